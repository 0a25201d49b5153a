#!/usr/bin/env node
// The `penguincast` executable: runs the built command (npm run build first).
import '../dist/cli.js';
