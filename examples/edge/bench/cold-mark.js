// Evaluated after the crmscore glue and the embedded .wasm bytes (see cold-edge.js).
export const marks = { glue: performance.now() };
