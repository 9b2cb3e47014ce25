// The permission vocabulary lives in lib/permissions.ts, beside config.ts that maps roles from it:
// a leaf both auth and its users (config, audit) import, so no folder leans on auth for words.
export * from "@/lib/permissions";
