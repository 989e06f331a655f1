import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';

export class AdjustCreditsDto {
  @IsInt() @NotEquals(0) @Min(-1_000_000_000) @Max(1_000_000_000)
  delta: number;

  @IsString() @IsNotEmpty() @MaxLength(180)
  reason: string;
}
