import { IsBoolean } from 'class-validator';

export class UpdateKeyDto {
  @IsBoolean()
  disabled: boolean;
}
