import { z } from "zod";
import { operation, type RouteHandler, route } from "../src/http/route";
import { buildOpenApiDocument } from "../src/openapi/document";
import asyncApi from "./asyncapi.json";
import login from "./auth/login";
import signup from "./auth/signup";
import createBingo from "./bingo/createBingo";
import getBingo from "./bingo/getBingo/[eventId]";
import updateBingo from "./bingo/updateBingo";
import publishPending from "./cron/publish-pending";
import docs from "./docs";
import eventActivity from "./events/[eventId]/activity";
import eventBingo from "./events/[eventId]/bingo";
import endEvent from "./events/[eventId]/end";
import getEvent from "./events/[eventId]/index";
import joinAsGuest from "./events/[eventId]/join/guest";
import joinAsUser from "./events/[eventId]/join/user";
import leaderboard from "./events/[eventId]/leaderboard/index";
import leaderboardScore from "./events/[eventId]/leaderboard/score";
import leaveEvent from "./events/[eventId]/leave";
import startEvent from "./events/[eventId]/start";
import eventStatus from "./events/[eventId]/status";
import hostedEvents from "./events/createdEvents/user/[userId]";
import createEvent from "./events/createEvent";
import eventByJoinCode from "./events/event/[joinCode]";
import health from "./health";
import connectedUsers from "./participantConnections/connected-users";
import participantConnections from "./participantConnections/index";
import user from "./users/[userId]";
import joinedEvents from "./users/[userId]/events";
import me from "./users/me";

let documentText: string | undefined;

const openApi = route("/api/openapi.json", {
  // GET /api/openapi.json – this API's OpenAPI 3.1 document, generated from the routes' declarations
  GET: operation({
    summary: "This API's OpenAPI 3.1 document, generated from the routes' declarations",
    auth: "none",
    database: false,
    responses: {
      200: {
        contentTypes: ["application/json; charset=utf-8"],
        description: "The OpenAPI document.",
        schema: z.looseObject({ openapi: z.literal("3.1.0"), paths: z.record(z.string(), z.unknown()) }),
      },
    },
    handler: async () => {
      documentText ??= JSON.stringify(buildOpenApiDocument(API_ROUTES.map((fn) => fn.contract)));
      return { raw: documentText };
    },
  }),
});

/** Every function under api/; a test checks this list against what `vercel build` produces. */
export const API_ROUTES: readonly RouteHandler[] = [
  health,
  signup,
  login,
  me,
  user,
  joinedEvents,
  createEvent,
  hostedEvents,
  getEvent,
  eventByJoinCode,
  joinAsUser,
  joinAsGuest,
  leaveEvent,
  startEvent,
  endEvent,
  eventStatus,
  eventBingo,
  leaderboard,
  leaderboardScore,
  participantConnections,
  connectedUsers,
  eventActivity,
  getBingo,
  createBingo,
  updateBingo,
  publishPending,
  docs,
  openApi,
  asyncApi,
];

export default openApi;
