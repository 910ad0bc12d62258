// `node --import ./ts-register.mjs worker.ts`: installs ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
