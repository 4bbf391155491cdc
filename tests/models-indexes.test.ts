import { readdirSync } from "node:fs";
import { join } from "node:path";
import mongoose from "mongoose";
import { beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../src/db/connection";

// The connection builds the indexes of every registered model once per cold start. These tests
// hold that to the models' own declarations: a model left out of src/models/index.ts, or an index
// declared but never built, fails here instead of turning into a collection scan in production.

const MODEL_FILES = readdirSync(join(__dirname, "..", "src", "models")).filter(
  (file) => file.endsWith(".ts") && file !== "index.ts",
);

describe("model indexes", () => {
  beforeAll(async () => {
    await connectDatabase();
  });

  it("the connection registers every model file under src/models/", () => {
    // This file imports nothing but the connection, so every model it knows came from there.
    expect(mongoose.modelNames()).toHaveLength(MODEL_FILES.length);
  });

  it("every index a model declares exists on the database after connecting", async () => {
    for (const name of mongoose.modelNames()) {
      const model = mongoose.model(name);
      // A model that declares none (NameSuffixCounter: `_id` only) has no collection until its first write.
      if (model.schema.indexes().length === 0) continue;
      const built = (await model.listIndexes()) as { key: Record<string, unknown>; unique?: boolean }[];
      const builtIndexes = built.map((index) => ({ key: JSON.stringify(index.key), unique: index.unique === true }));
      for (const [fields, options] of model.schema.indexes()) {
        const declared = { key: JSON.stringify(fields), unique: options.unique === true };
        expect(builtIndexes, `${name} (${model.collection.collectionName}) lacks ${declared.key}`).toContainEqual(
          declared,
        );
      }
    }
  });

  it("the idempotency keys' expiresAt index, which the cron's deletion uses, is built", async () => {
    const { IdempotencyRecord } = await import("../src/models/idempotency-record");
    const built = await IdempotencyRecord.listIndexes();
    expect(built.map((index) => index.key)).toContainEqual({ expiresAt: 1 });
  });
});
