/** An Ed25519 signature as an index entry or an install request carries it: the signer's key id and the base64 signature. */
export interface SignatureClaim {
  key_id: string
  signature: string
}

/** An Ed25519 signature in base64: 64 bytes. */
export const ED25519_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/
