#!/usr/bin/env node
// The `pipeline` executable (dist/bin.js once built): the CLI on this process's arguments.
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
