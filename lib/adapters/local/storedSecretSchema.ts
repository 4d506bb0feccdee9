import * as z from 'zod';

const versionStage = z.enum(['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS']);

/**
 * One secret's file in `<dataDir>/secrets/`. Everything but the values is plaintext (names, stages,
 * dates are what describe shows anyway); each value is AES-256-GCM sealed. Validated on every read,
 * so a damaged or hand-edited file fails with a clear error instead of a wrong answer.
 */
export const storedSecretSchema = z
  .object({
    format: z.literal(1),
    name: z.string().min(1),
    /** SecretCipher.keyId of the key every value in this file is sealed with. */
    keyId: z.string().min(1),
    createdAt: z.string(),
    lastChangedAt: z.string(),
    lastRotatedAt: z.string().optional(),
    versions: z.array(
      z
        .object({
          versionId: z.string().min(1),
          createdAt: z.string(),
          stages: z.array(versionStage),
          iv: z.string(),
          tag: z.string(),
          ciphertext: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

export type StoredSecret = z.infer<typeof storedSecretSchema>;
export type StoredVersion = StoredSecret['versions'][number];
