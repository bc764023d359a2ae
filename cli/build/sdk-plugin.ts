import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "esbuild";

/** The SDK's compiled sources, as installed here (its `exports` hide package.json: found from its main file). */
export const SDK_SOURCES = dirname(createRequire(import.meta.url).resolve("@dagger.io/dagger"));

/** The one SDK file that loads the OpenTelemetry Node SDK (exporters, gRPC, protobuf: about 4 MB) at import. */
const TRACE_EXPORT_SETUP = join(SDK_SOURCES, "telemetry/init.js");

const RESOLVING = Symbol("sdk-plugin: resolving");

/**
 * Bundles the part of the Dagger SDK that plan uses: the API client (`dag`),
 * the connection and the decorators. Two changes make that part alone load:
 *
 * - The SDK's own files are declared free of side effects, so esbuild drops
 *   those nothing imports from: the introspector and its TypeScript 6 compiler
 *   (the runtime's entrypoint needs them, plan does not), the provisioning.
 * - Its trace-export setup is replaced by one that sets up nothing: the
 *   recording engine collects no traces, and the real one imports the
 *   OpenTelemetry Node SDK even when no OTEL_ variable asks for it, which was
 *   most of the 3 s the SDK took to import.
 *
 * Everything else is the SDK's code as published, so the module's calls build
 * the same queries as on an engine.
 */
export function daggerSdkPlugin(): Plugin {
  return {
    name: "dagger-sdk",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const touchesSdk = args.importer.startsWith(SDK_SOURCES) || args.path.startsWith("@dagger.io/dagger") || args.path.startsWith(SDK_SOURCES);
        if (!touchesSdk) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
        if (resolved.errors.length > 0 || !resolved.path.startsWith(SDK_SOURCES)) return resolved.errors.length > 0 ? { errors: resolved.errors } : resolved;
        if (resolved.path === TRACE_EXPORT_SETUP) return { path: resolved.path, namespace: "dagger-sdk-no-trace-export" };
        return { ...resolved, sideEffects: false };
      });
      build.onLoad({ filter: /.*/, namespace: "dagger-sdk-no-trace-export" }, () => ({
        contents: "export class DaggerOtelConfigurator {\n  initialize() {}\n  async close() {}\n}\n",
        loader: "js",
      }));
    },
  };
}
