#!/usr/bin/env node
// Committed entry point: the package manager links it at install time, before the first build
// has produced dist/ (a bin pointing into dist/ makes a fresh `pnpm install` warn).
import '../dist/bin.js';
