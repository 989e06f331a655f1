import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { hello } from '@app/platform';
@Module({})
class M {}
async function main() { const app = await NestFactory.create(M); await app.listen(3000); console.log(hello); await app.close(); }
void main();
