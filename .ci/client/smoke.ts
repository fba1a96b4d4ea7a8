// A foreign client: types generated from openapi.yaml by openapi-typescript, requests made by openapi-fetch.
// tsc type-checks this against the generated types; CI then runs it against a live daemon (token in $TOKEN):
//   create, write bytes, read bytes, write and read UTF-16LE text, an error, close.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Mapping = components["schemas"]["api.Mapping"];
type Problem = components["schemas"]["api.Problem"];

const baseUrl = process.argv[2] ?? "http://127.0.0.1:8765";
const token = process.env.TOKEN ?? process.env.SHMBRIDGE_TOKEN ?? "";
const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const name = `Local\\shmbridge-ts-${process.pid}`;
let passed = 0;

function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) {
    console.error(`FAIL ${what}`, detail ?? "");
    process.exit(1);
  }
  passed++;
}

const created = await client.POST("/v1/mappings", { body: { name, size: 64, mode: "create" } });
const m: Mapping | undefined = created.data;
check(created.response.status === 201 && m?.name === name && m.created && m.size === 64, "create", created.error);

const raw = await client.PUT("/v1/mappings/{name}/data", {
  params: { path: { name }, query: { offset: 0 } },
  body: "hello from TypeScript",
  bodySerializer: (b) => b,
  headers: { "Content-Type": "application/octet-stream" },
});
check(raw.data?.bytes_written === 21, "write bytes", raw.error);

const bytes = await client.GET("/v1/mappings/{name}/data", {
  params: { path: { name }, query: { length: 21 } },
  parseAs: "text",
});
check(bytes.data === "hello from TypeScript", "read bytes", bytes.data);

const text = "Grüße, 世界";
const wrote = await client.PUT("/v1/mappings/{name}/data", {
  params: { path: { name }, query: { offset: 32, encoding: "utf-16le", nul: true } },
  body: text,
  bodySerializer: (b) => b,
  headers: { "Content-Type": "application/octet-stream" },
});
check(wrote.data?.bytes_written === 20, "write utf-16le text", wrote.error);
const read = await client.GET("/v1/mappings/{name}/data", {
  params: { path: { name }, query: { offset: 32, as: "text", encoding: "utf-16le" } },
  parseAs: "text",
});
check(read.data === text, "read utf-16le text", read.data);

const missing = await client.POST("/v1/mappings", { body: { name: `${name}-missing`, mode: "open" } });
const problem: Problem | undefined = missing.error;
check(missing.response.status === 404 && problem?.type === "urn:shmbridge:problem:not-found", "problem type", problem);

const closed = await client.DELETE("/v1/mappings/{name}", { params: { path: { name }, query: { unlink: true } } });
check(closed.response.status === 204, "close", closed.error);
const gone = await client.GET("/v1/mappings/{name}", { params: { path: { name } } });
check(gone.response.status === 404, "gone after close");

console.log(`TypeScript client (openapi-typescript + openapi-fetch): ${passed} passed, 0 failed`);
