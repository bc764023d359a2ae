import { fileURLToPath } from "node:url";

/**
 * The package's root folder: dagger.json, pipeline/ (the module), ci/ (the
 * wrapper templates). This file sits one folder below it both as source (cli/)
 * and compiled (dist/, where the build puts every chunk), so it is the one
 * place that finds the root from its own location.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));
