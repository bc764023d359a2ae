import { object, type Secret } from "@dagger.io/dagger";
import { PipelineUserError } from "./load-project.js";

/**
 * A secret given to the call with `with-secret`, under the name pipeline.yaml's
 * `stages.<stage>.secrets` uses for it. Only the stages naming it get it.
 */
@object()
export class StageSecret {
  name: string;
  value: Secret;

  constructor(name: string, value: Secret) {
    this.name = name;
    this.value = value;
  }
}

/** A name as pipeline.yaml's secrets keys spell them: an env variable's. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkedSecretName(name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw new PipelineUserError(
      `with-secret --name ${JSON.stringify(name)}: a secret's name is an env variable's (letters, digits and _, not starting with a digit).\n` +
        "  Fix: use the name pipeline.yaml gives it under stages.<stage>.secrets, e.g. --name CODECOV_TOKEN",
    );
  }
  return name;
}
