export { type DemoOptions, runDemo } from './commands/demo.js';
export { COMMANDS, type Command } from './commands/index.js';
export { type CliIo, EXIT } from './io.js';
export { describeError, main } from './main.js';
