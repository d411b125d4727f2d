/**
 * Express 4, installed under the npm alias `express4` beside Express 5. Typed with Express 5's
 * types: the part tests use (creating an app, routes, settings, listen) is the same in both.
 */
declare module 'express4' {
  import express from 'express';
  export default express;
}
