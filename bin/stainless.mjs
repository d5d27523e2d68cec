#!/usr/bin/env node
// The `stainless` command: runs the CLI from source through tsx, so it works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');
