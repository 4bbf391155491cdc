import mongoose from "mongoose";
import { route } from "../src/http/route";
import { realtimeMode } from "../src/realtime/pusher";

// GET /api/health – database reachability and which realtime backend is configured
export default route({
  GET: async () => {
    await mongoose.connection.db?.admin().ping();
    return { body: { db: "up", realtime: realtimeMode } };
  },
});
