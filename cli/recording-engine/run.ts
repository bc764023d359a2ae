import { dag, GraphQLClient } from "@dagger.io/dagger";
import { RecordingEngine, type RecordingEngineOptions } from "./engine.js";

/**
 * Runs `fn` (module code using `dag`) against a fresh recording engine and
 * returns its result with the engine, whose records describe every call made.
 * Only one may run at a time per process: the SDK's `dag` is process-global.
 */
export async function recordRun<T>(
  fn: () => Promise<T>,
  options: RecordingEngineOptions = {},
): Promise<{ engine: RecordingEngine; result?: T; error?: unknown }> {
  const engine = new RecordingEngine(options);
  const connection = sdkConnection();
  // The SDK's own GraphQL client, on the engine's in-process endpoint: what `connection()` sets up from DAGGER_SESSION_PORT, minus the socket.
  connection.setGQLClient(new GraphQLClient("http://recording-engine/query", { fetch: engine.fetch as unknown as typeof fetch }));
  try {
    return { engine, result: await fn() };
  } catch (error) {
    return { engine, error };
  } finally {
    connection.resetClient();
  }
}

interface SdkConnection {
  setGQLClient(client: GraphQLClient): void;
  resetClient(): void;
}

/**
 * The connection behind `dag`: SDK 0.21's generated client keeps it in its
 * Context (`dag._ctx._connection`, the SDK's `globalConnection`), which the
 * package does not export. Checked, so an SDK upgrade that moves it fails
 * here by name rather than later with "GraphQL client is not set".
 */
function sdkConnection(): SdkConnection {
  const connection = (dag as unknown as { _ctx?: { _connection?: Partial<SdkConnection> } })._ctx?._connection;
  if (typeof connection?.setGQLClient !== "function" || typeof connection.resetClient !== "function") {
    throw new Error("the Dagger SDK's dag no longer has _ctx._connection with setGQLClient: recordRun needs updating for this SDK version");
  }
  return connection as SdkConnection;
}
