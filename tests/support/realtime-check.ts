import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { PublishedEvent } from "../../dev/pusher-server";
import { type AsyncApiDocument, buildAsyncApiDocument } from "../../src/openapi/asyncapi";

// Checks every message the local Pusher server receives in the tests against the AsyncAPI
// document: a channel, an event name or a payload the document does not declare is a violation,
// and the test that published it fails (see the afterEach in harness.ts), as ContractChecker does
// for HTTP responses.

/** Event names tests publish themselves (realtime-e2e's `test-marker`); never the API's. */
const TEST_EVENT_PREFIX = "test-";

export class RealtimeChecker {
  readonly document: AsyncApiDocument = buildAsyncApiDocument();
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly channel: RegExp;
  /** How many of the server's published messages have been checked. */
  private seen = 0;
  checked = 0;
  violations: string[] = [];

  constructor(private readonly published: () => readonly PublishedEvent[]) {
    addFormats(this.ajv);
    const address = this.document.channels.event.address;
    this.channel = new RegExp(`^${address.replace("{eventId}", "([0-9a-f]{24})")}$`);
  }

  /** Checks what reached the server since the last call; records the violations. */
  checkNew(): void {
    const all = this.published();
    for (const event of all.slice(this.seen)) {
      if (event.name.startsWith(TEST_EVENT_PREFIX)) continue;
      this.checked++;
      for (const problem of this.check(event)) {
        this.violations.push(`${event.name} on ${event.channel}: ${problem} (data: ${event.data})`);
      }
    }
    this.seen = all.length;
  }

  /** What about one published message the document does not declare; empty when it conforms. */
  check({ channel, name, data }: Pick<PublishedEvent, "channel" | "name" | "data">): string[] {
    if (!this.channel.test(channel)) return [`channel ${channel} is not ${this.document.channels.event.address}`];
    const message = this.document.channels.event.messages[name];
    if (!message) return [`event name ${name} is not a message of the channel`];
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return ["the data is not JSON"];
    }
    const validate = this.validator(name);
    if (validate(payload)) return [];
    const errors = (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
    return [`the payload does not match its schema: ${errors.join("; ")}`];
  }

  private validator(name: string): ValidateFunction {
    let validate = this.validators.get(name);
    if (!validate) {
      const payload = this.document.components.messages[name]?.payload;
      // The document's `#/components/schemas/…` refs resolve against the root of what is compiled.
      validate = this.ajv.compile({
        ...(payload as object),
        components: { schemas: this.document.components.schemas },
      });
      this.validators.set(name, validate);
    }
    return validate;
  }
}
