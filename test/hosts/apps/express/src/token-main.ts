import { listen } from './listen.js';
import { app } from './token-app.js';

listen(app);
