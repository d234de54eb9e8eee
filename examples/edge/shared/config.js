// The scorer's configuration, bundled with the worker.
export const scorerConfig = {
  abc: { a: 1000, b: 300 },
  rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] },
};
