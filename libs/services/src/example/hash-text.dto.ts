import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export const INPUT_ENCODINGS = ['utf8', 'hex', 'base64'] as const;

export type InputEncoding = (typeof INPUT_ENCODINGS)[number];

export class HashTextDto {
  @IsString()
  @MaxLength(65_536)
  readonly text: string;

  /** How `text` is to be read before hashing; binary input comes as hex or base64. */
  @IsOptional()
  @IsIn(INPUT_ENCODINGS)
  readonly encoding?: InputEncoding;
}
