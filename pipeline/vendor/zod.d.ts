// Types of the bundled zod: the package's own (a root devDependency).
export * from "zod";
