import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CreditsService } from '../credits/credits.service';
import { ApiKey } from '../keys/api-key.entity';
import { ApiKeyService } from '../keys/api-key.service';
import { AdjustCreditsDto } from './adjust-credits.dto';
import { AdminGuard } from './admin.guard';
import { CreateKeyDto } from './create-key.dto';
import { PageQueryDto } from './page-query.dto';
import { UpdateKeyDto } from './update-key.dto';

const view = (k: ApiKey) => ({
  id: k.id,
  keyPrefix: k.keyPrefix,
  label: k.label,
  credits: k.credits,
  disabled: k.disabled,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
});

const uuid = new ParseUUIDPipe({ version: '4' });

@Controller('admin/keys')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly credits: CreditsService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() dto: CreateKeyDto) {
    const k = await this.keys.create(dto.credits, dto.label ?? null, 'admin: initial grant');
    return { id: k.id, key: k.key, credits: k.credits, label: k.label, createdAt: k.createdAt };
  }

  @Get()
  async list(@Query() page: PageQueryDto) {
    const { items, total } = await this.keys.list(page.limit, page.offset);
    return { items: items.map(view), total, limit: page.limit, offset: page.offset };
  }

  @Get(':id')
  async get(@Param('id', uuid) id: string) {
    return view(await this.keys.get(id));
  }

  @Patch(':id')
  async update(@Param('id', uuid) id: string, @Body() dto: UpdateKeyDto) {
    const key = await this.keys.setDisabled(id, dto.disabled);
    if (dto.disabled) this.credits.forgetKey(id);
    return view(key);
  }

  @Post(':id/credits')
  @HttpCode(200)
  async adjust(@Param('id', uuid) id: string, @Body() dto: AdjustCreditsDto) {
    const credits = await this.credits.adjust(id, dto.delta, dto.reason);
    return { id, credits };
  }

  @Get(':id/ledger')
  async ledger(@Param('id', uuid) id: string, @Query() page: PageQueryDto) {
    await this.keys.get(id);
    const { items, total } = await this.credits.ledger(id, page.limit, page.offset);
    return {
      items: items.map((e) => ({
        id: e.id,
        delta: e.delta,
        balanceAfter: e.balanceAfter,
        reason: e.reason,
        service: e.service,
        requestId: e.requestId,
        createdAt: e.createdAt,
      })),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }
}
