// Loads customer summaries ({ "<id>": customer, ... }) into Deno KV, one entry per customer under ['customers', id]:
//   deno run --unstable-kv --allow-read --allow-write deno/seed.js shared/customers.json customers.kv
const [file, path] = Deno.args;
const customers = JSON.parse(await Deno.readTextFile(file));
const kv = await Deno.openKv(path);
for (const [id, customer] of Object.entries(customers)) await kv.set(['customers', id], customer);
kv.close();
console.log(`${Object.keys(customers).length} customers written to ${path}`);
