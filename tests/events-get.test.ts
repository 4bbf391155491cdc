import { describe, expect, it } from "vitest";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
} from "./support/harness";

function issuePaths(res: { body: { issues: { path: string }[] } }): string[] {
  return res.body.issues.map((issue) => issue.path);
}

describe("GET /api/events/:eventId", () => {
  it("GET /api/events/:eventId – is public and answers 200 with the event as created, without the joinCode unless the host asks", async () => {
    const host = await createHost();
    const created = await createEvent(host, { description: "Lobby test", maxParticipant: 10 });
    const res = await api().get(`/api/events/${created._id}`);
    expect(res.status).toBe(200);
    const { joinCode: _hidden, ...shown } = created;
    expect(res.body).toEqual({ success: true, event: shown });
    const asHost = await api()
      .get(`/api/events/${created._id}`)
      .set(...bearer(host.token))
      .expect(200);
    expect(asHost.body).toEqual({ success: true, event: created });
  });

  it("GET /api/events/:eventId – participantIds lists joined guests as {_id, name, userId} in join order", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const first = await joinAsGuest(event._id, "Ada");
    expect(first.status).toBe(201);
    const second = await joinAsGuest(event._id, "Brian");
    expect(second.status).toBe(201);

    const res = await api().get(`/api/events/${event._id}`).expect(200);
    expect(res.body.event.participantCount).toBe(2);
    expect(res.body.event.participantIds).toEqual([
      { _id: first.body.participant._id, name: "Ada", userId: first.body.userId },
      { _id: second.body.participant._id, name: "Brian", userId: second.body.userId },
    ]);
  });

  it("GET /api/events/:eventId – a registered user who joined appears with their account name", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const member = await createUser({ name: "Registered Rita" });
    const join = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(member.token))
      .send({});
    expect(join.status).toBe(201);

    const res = await api().get(`/api/events/${event._id}`).expect(200);
    expect(res.body.event.participantIds).toEqual([
      { _id: join.body.participant._id, name: "Registered Rita", userId: member.userId },
    ]);
  });

  it("GET /api/events/:eventId – an unknown id is a 404 not_found", async () => {
    expectError(await api().get(`/api/events/${newObjectId()}`), 404, "not_found");
  });

  it("GET /api/events/:eventId – a malformed id is a 400 on path eventId, never a 500", async () => {
    for (const id of ["not-an-id", "12345", `${newObjectId()}ff`, "gggggggggggggggggggggggg"]) {
      const res = await api().get(`/api/events/${id}`);
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)).toEqual(["eventId"]);
    }
  });
});

describe("GET /api/events/event/:joinCode", () => {
  it("GET /api/events/event/:joinCode – is public and answers 200 with the same event as by id", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Cleo").then((res) => expect(res.status).toBe(201));

    const byCode = await api().get(`/api/events/event/${event.joinCode}`);
    expect(byCode.status).toBe(200);
    const byId = await api()
      .get(`/api/events/${event._id}`)
      .set(...bearer(host.token))
      .expect(200);
    expect(byCode.body).toEqual(byId.body);
    expect(byCode.body.event.participantIds.map((entry: { name: string }) => entry.name)).toEqual(["Cleo"]);
  });

  it("GET /api/events/event/:joinCode – an unknown 8-digit code is a 404 not_found", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const unknown = event.joinCode === "00000000" ? "00000001" : "00000000";
    expectError(await api().get(`/api/events/event/${unknown}`), 404, "not_found");
  });

  it("GET /api/events/event/:joinCode – a code that is not 4 to 8 digits is a 400 on path joinCode", async () => {
    for (const code of ["123", "123456789", "abcdefgh", "1234567a", "%24gt"]) {
      const res = await api().get(`/api/events/event/${code}`);
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)).toEqual(["joinCode"]);
    }
  });
});
