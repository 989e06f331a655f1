import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';
import { NO_NUL, NO_NUL_MESSAGE } from './no-nul';

export class AdjustCreditsDto {
  @IsInt() @NotEquals(0) @Min(-1_000_000_000) @Max(1_000_000_000)
  delta: number;

  @IsString() @IsNotEmpty() @MaxLength(180) @Matches(NO_NUL, { message: NO_NUL_MESSAGE })
  reason: string;
}
