/**
 * The unprivileged user the Go and Python stages run as: tests that pass
 * as root can hide permission bugs, and a compromised dependency gets less.
 * The official images have no such user; the OCI runtime needs only the IDs
 * (65532 is distroless's "nonroot", which the examples' images run as).
 */
export const NON_ROOT_USER = "65532:65532";

/** A HOME that exists and that it may write (tools put dotfiles there): the images' /root is closed to it. */
export const NON_ROOT_HOME = "/tmp";
