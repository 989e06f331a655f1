/** The authenticated caller, as attached to the request by the bearer strategy. */
export interface Principal {
  keyId: string;
}
