import { z } from "zod";
import { objectIdSchema } from "./common";

export const getUserParamsSchema = z.object({ userId: objectIdSchema });
