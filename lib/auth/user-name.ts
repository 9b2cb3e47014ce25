import { z } from "zod";

export const userName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._@-]*$/u, "may hold letters, digits, '.', '_', '@' and '-', starting with a letter or digit");
