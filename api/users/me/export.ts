import { operation, route } from "../../../src/http/route";
import { exportMyData } from "../../../src/privacy/my-data";
import { myDataExportSchema } from "../../../src/schemas/export";

export default route("/api/users/me/export", {
  // GET /api/users/me/export – everything stored about the caller, as a JSON download
  GET: operation({
    summary:
      "Everything stored about the caller (user or guest): the account (never a password hash), participations with cards and achievements, connections made and received, events hosted, activity naming them; a JSON download",
    auth: "user",
    responses: {
      200: {
        contentTypes: ["application/json; charset=utf-8"],
        description: "What is stored about you (not wrapped in `success`).",
        schema: myDataExportSchema,
        download: true,
      },
    },
    errors: ["not_found"],
    handler: async ({ claims }) => ({
      raw: JSON.stringify(await exportMyData(claims.userId)),
      headers: { "Content-Disposition": `attachment; filename="shatter-my-data-${claims.userId}.json"` },
    }),
  }),
});
