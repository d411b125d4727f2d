import { app } from './app.js';
import { listen } from './listen.js';

listen(app);
