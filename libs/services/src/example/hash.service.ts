import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { HashErrorCode, HashException } from './hash.exception';
import { HashResult } from './hash-result';
import { InputEncoding } from './hash-text.dto';

/** Buffer.from silently skips characters it cannot decode, so binary input is checked first. */
const STRICT: Record<Exclude<InputEncoding, 'utf8'>, RegExp> = {
  hex: /^(?:[0-9a-fA-F]{2})*$/,
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

@Injectable()
export class HashService {
  /** A null encoding is an absent one, as @IsOptional() lets it through. */
  digest(algorithm: HashResult['algorithm'], text: string, given?: InputEncoding | null): HashResult {
    const encoding = given ?? 'utf8';
    if (encoding !== 'utf8' && !STRICT[encoding].test(text)) {
      throw new HashException(HashErrorCode.InvalidEncoding, `text is not valid ${encoding}`);
    }
    return { algorithm, hex: createHash(algorithm).update(Buffer.from(text, encoding)).digest('hex') };
  }
}
