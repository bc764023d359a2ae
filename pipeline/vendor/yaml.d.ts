// Types of the bundled yaml: the package's own (a root devDependency).
export * from "yaml";
