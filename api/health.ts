import mongoose from "mongoose";
import { operation, route } from "../src/http/route";
import { realtimeMode } from "../src/realtime/pusher";
import { healthResponseSchema } from "../src/schemas/health";

export default route("/api/health", {
  // GET /api/health – database reachability and which realtime backend is configured
  GET: operation({
    summary: "Database reachability and which realtime backend is configured",
    auth: "none",
    responses: { 200: healthResponseSchema },
    handler: async () => {
      await mongoose.connection.db?.admin().ping();
      return { body: { db: "up" as const, realtime: realtimeMode } };
    },
  }),
});
