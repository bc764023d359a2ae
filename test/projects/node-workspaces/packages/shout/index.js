const { greet } = require("@ws/greet");
exports.shout = (name) => greet(name).toUpperCase();
