import { goToolchain } from "../../modules/go/index.js";
import { nodeToolchain } from "../../modules/node/index.js";
import { pythonToolchain } from "../../modules/python/index.js";
import type { Toolchain } from "../../modules/toolchain.js";
import type { Language } from "../config/schema.js";

export const TOOLCHAINS: Record<Language, Toolchain> = {
  go: goToolchain,
  node: nodeToolchain,
  python: pythonToolchain,
};
