import { appendFileSync, mkdirSync } from "node:fs";
import type { RequestListener } from "node:http";
import { dirname } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { OpenApiDocument, OpenApiOperation } from "../../src/openapi/document";

// Checks every response the API gives in the tests against the OpenAPI document: a status, a
// header, a content type or a body shape the route does not declare is a violation, and the test
// that produced it fails (see the afterEach in harness.ts).

// Set by Node or the HTTP layer, not by the API; never part of the contract.
const TRANSPORT_HEADERS = new Set([
  "content-type",
  "content-length",
  "date",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);
const PREFLIGHT_HEADERS = [
  "allow",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
  "access-control-allow-origin",
  "vary",
  "cache-control",
  "x-content-type-options",
  "x-request-id",
];

export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

interface PathMatcher {
  template: string;
  pattern: RegExp;
  params: number;
}

export class ContractChecker {
  private loaded?: OpenApiDocument;
  private loading?: Promise<OpenApiDocument>;
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private matchers: PathMatcher[] = [];
  private readonly pending = new Set<Promise<void>>();
  checked = 0;
  violations: string[] = [];

  constructor() {
    addFormats(this.ajv);
  }

  /**
   * Builds the document from the routes' declarations. Lazily: loading api/ parses the
   * environment, which some test files set first (vi.stubEnv) and only then make a request.
   */
  load(): Promise<OpenApiDocument> {
    this.loading ??= (async () => {
      const [{ API_ROUTES }, { buildOpenApiDocument }] = await Promise.all([
        import("../../api/openapi.json"),
        import("../../src/openapi/document"),
      ]);
      const document = buildOpenApiDocument(API_ROUTES.map((fn) => fn.contract));
      this.matchers = Object.keys(document.paths)
        .map((template) => ({
          template,
          pattern: new RegExp(`^${template.replace(/\./g, "\\.").replace(/\{\w+\}/g, "[^/]+")}/?$`),
          params: (template.match(/\{/g) ?? []).length,
        }))
        // Static paths win over templated ones, as in Vercel's routing.
        .sort((a, b) => a.params - b.params);
      this.loaded = document;
      return document;
    })();
    return this.loading;
  }

  get document(): OpenApiDocument {
    if (!this.loaded) throw new Error("await contract.load() first");
    return this.loaded;
  }

  /** Waits for the checks of responses already sent (the first one loads the document). */
  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** Wraps the API's request listener so that every response it sends is checked. */
  wrap(listener: RequestListener): RequestListener {
    return (req, res) => {
      const chunks: Buffer[] = [];
      const collect = (chunk: unknown) => {
        if (typeof chunk === "string" || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        collect(chunk);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        collect(chunk);
        return end(chunk, ...rest);
      }) as typeof res.end;
      res.on("finish", () => {
        const response = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          status: res.statusCode,
          headers: res.getHeaders(),
          body: Buffer.concat(chunks),
        };
        const check: Promise<void> = this.load().then(() => this.record(response));
        this.pending.add(check);
        void check.finally(() => this.pending.delete(check));
      });
      return listener(req, res);
    };
  }

  record(response: ObservedResponse): void {
    this.checked++;
    const problems = this.check(response);
    const { method, url, status } = response;
    for (const problem of problems) this.violations.push(`${method} ${url} → ${status}: ${problem}`);
  }

  /** What about `response` the document does not declare; empty when it conforms. */
  check({ method, url, status, headers, body }: ObservedResponse): string[] {
    const pathname = new URL(url, "http://api.local").pathname;
    const matcher = this.matchers.find(({ pattern }) => pattern.test(pathname));
    // Paths with no function are answered by the platform's 404, outside the API.
    if (!matcher) return status === 404 ? [] : [`no documented path matches ${pathname}`];
    return [...requestIdProblems(status, headers, body), ...this.checkDeclared(method, matcher, status, headers, body)];
  }

  private checkDeclared(
    method: string,
    matcher: PathMatcher,
    status: number,
    headers: ObservedResponse["headers"],
    body: Buffer,
  ): string[] {
    const item = this.document.paths[matcher.template] ?? {};
    const declaredMethods = Object.keys(item).map((m) => m.toUpperCase());
    const allow = [...declaredMethods, "OPTIONS"].join(", ");

    if (method === "OPTIONS") {
      const problems = status === 204 ? [] : [`a preflight answers 204, not ${status}`];
      if (headers.allow !== allow) problems.push(`Allow is ${String(headers.allow)}, the document says ${allow}`);
      return [...problems, ...this.undeclaredHeaders(headers, PREFLIGHT_HEADERS)];
    }
    const op = item[method.toLowerCase() as keyof typeof item];
    if (!op) {
      const problems: string[] = [];
      if (status !== 405) problems.push(`${method} is not documented on ${matcher.template}, so it must be a 405`);
      if (headers.allow !== allow) problems.push(`Allow is ${String(headers.allow)}, the document says ${allow}`);
      const parsed = parseJson(body);
      if (!parsed.ok || (parsed.value as { code?: unknown }).code !== "method_not_allowed")
        problems.push("a 405 body is the error envelope with code method_not_allowed");
      return [
        ...problems,
        ...this.undeclaredHeaders(headers, [
          "allow",
          "cache-control",
          "x-content-type-options",
          "vary",
          "access-control-allow-origin",
          "access-control-expose-headers",
          "x-request-id",
        ]),
      ];
    }
    return this.checkOperation(`${method} ${matcher.template}`, op, status, headers, body);
  }

  private checkOperation(
    name: string,
    op: OpenApiOperation,
    status: number,
    headers: ObservedResponse["headers"],
    body: Buffer,
  ): string[] {
    const response = op.responses[String(status)];
    if (!response) return [`status ${status} is not declared (declared: ${Object.keys(op.responses).join(", ")})`];
    const problems = this.undeclaredHeaders(
      headers,
      Object.keys(response.headers).map((header) => header.toLowerCase()),
    );
    const contentType = String(headers["content-type"] ?? "");
    const mediaType = Object.keys(response.content).find((type) => sameMediaType(type, contentType));
    if (!mediaType) return [...problems, `Content-Type ${contentType} is not declared for ${status}`];
    const schema = response.content[mediaType]?.schema ?? {};
    const key = `${name} ${status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (!validate) {
      // The document's `#/components/schemas/…` refs resolve against the root of what is compiled.
      validate = this.ajv.compile({ ...schema, components: { schemas: this.document.components.schemas } });
      this.validators.set(key, validate);
    }
    const value = mediaType.startsWith("application/json") ? parseJson(body) : { ok: true, value: body.toString() };
    if (!value.ok) return [...problems, "the body is not JSON"];
    if (!validate(value.value)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
      problems.push(`the body does not match the declared schema: ${errors.join("; ")}`);
    }
    return problems;
  }

  private undeclaredHeaders(headers: ObservedResponse["headers"], declared: readonly string[]): string[] {
    const allowed = new Set([...TRANSPORT_HEADERS, ...declared.map((name) => name.toLowerCase())]);
    return Object.keys(headers)
      .filter((name) => !allowed.has(name.toLowerCase()))
      .map((name) => `header ${name} is not declared`);
  }

  /** Appends this file's count to the run's log, which the global teardown sums up. */
  writeCount(log: string, file: string): void {
    mkdirSync(dirname(log), { recursive: true });
    appendFileSync(log, `${this.checked} ${file}\n`);
  }
}

/** Every answer names its request; an error body names the same one. */
function requestIdProblems(status: number, headers: ObservedResponse["headers"], body: Buffer): string[] {
  const id = headers["x-request-id"];
  if (typeof id !== "string" || id === "") return ["X-Request-Id is missing"];
  if (status < 400) return [];
  const parsed = parseJson(body);
  const sent = parsed.ok ? (parsed.value as { requestId?: unknown }).requestId : undefined;
  return sent === id ? [] : [`the error body's requestId ${String(sent)} is not the X-Request-Id ${id}`];
}

function sameMediaType(declared: string, sent: string): boolean {
  const base = (type: string) => type.split(";")[0]?.trim().toLowerCase();
  return base(declared) === base(sent);
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString()) };
  } catch {
    return { ok: false };
  }
}
