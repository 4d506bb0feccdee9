import { USER_SCHEMA } from '../lib/scim/scimSchemas.js';

/** Users the benchmarks create before measuring, named seed-<n>@example.com (the filter scenarios look them up). */
export const SEED_USERS = 500;

/** Creates SEED_USERS users over SCIM, 25 at a time, and returns their ids in order. */
export async function seedScimUsers(url: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SEED_USERS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: 25 }, async (_, j) => {
        const response = await fetch(`${url}/scim/v2/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: [USER_SCHEMA], userName: `seed-${i + j}@example.com`, active: true }),
        });
        if (response.status !== 201) throw new Error(`Seeding users failed with ${response.status}: ${await response.text()}`);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}
