exports.clamp = (n, low, high) => Math.min(Math.max(n, low), high);
