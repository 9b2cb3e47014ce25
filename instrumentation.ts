// Runs once when the server boots: a bad config stops the process here, with a message naming
// the field, instead of surfacing as a broken page later.
export async function register(): Promise<void> {
  // NEXT_RUNTIME is set by Next.js itself and must be read inline for the edge bundle to drop this.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("@/lib/boot/boot-server");
  await bootServer();
}
