/**
 * Request-body validation with the 422 shapes FastAPI + Pydantic v2 produce: a list of issues,
 * each {type, loc, msg, input[, ctx]}, where `loc` starts with "body" and `input` is whatever
 * Pydantic was validating (the whole body for a missing field, api_key included).
 */
import { parseUuid } from './uuid.ts';

export interface ValidationIssue {
	type: string;
	loc: (string | number)[];
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
}

export type JsonObject = Record<string, unknown>;

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export type UserLookup = { userId: string } | { email: string };

export function isJsonObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function missingBodyIssue(): ValidationIssue {
	return { type: 'missing', loc: ['body'], msg: 'Field required', input: null };
}

export function invalidJsonIssue(position: number, error: string): ValidationIssue {
	return {
		type: 'json_invalid',
		loc: ['body', position],
		msg: 'JSON decode error',
		input: {},
		ctx: { error },
	};
}

export function notAnObjectIssue(input: unknown): ValidationIssue {
	return {
		type: 'model_attributes_type',
		loc: ['body'],
		msg: 'Input should be a valid dictionary or object to extract fields from',
		input,
	};
}

/** `/users/delete`: `user_id: UUID`, required. */
export function validateDeleteBody(body: JsonObject): Validated<string> {
	const userId = uuidField(body, 'user_id', { required: true });
	if (!userId.ok) return userId;
	return { ok: true, value: userId.value as string };
}

/** `/users/retrieve`: optional `user_id: UUID` and `email: str`, then exactly one of them. */
export function validateRetrieveBody(body: JsonObject): Validated<UserLookup> {
	const userId = uuidField(body, 'user_id', { required: false });
	const email = stringField(body, 'email');
	const issues = [userId, email].flatMap((field) => (field.ok ? [] : field.issues));
	if (issues.length > 0) return { ok: false, issues };
	const givenUserId = userId.ok ? userId.value : undefined;
	const givenEmail = email.ok ? email.value : undefined;
	if ((givenUserId === undefined) === (givenEmail === undefined)) {
		return { ok: false, issues: [exactlyOneOfIssue(body)] };
	}
	return {
		ok: true,
		value: givenUserId !== undefined ? { userId: givenUserId } : { email: givenEmail as string },
	};
}

function uuidField(
	body: JsonObject,
	field: string,
	{ required }: { required: boolean },
): Validated<string | undefined> {
	const value = body[field];
	if (value === undefined)
		return required ? invalid(missingFieldIssue(body, field)) : { ok: true, value: undefined };
	if (value === null && !required) return { ok: true, value: undefined };
	if (typeof value !== 'string') {
		return invalid({
			type: 'uuid_type',
			loc: ['body', field],
			msg: 'UUID input should be a string, bytes or UUID object',
			input: value,
		});
	}
	const parsed = parseUuid(value);
	if (parsed.ok) return { ok: true, value: parsed.uuid };
	return invalid({
		type: 'uuid_parsing',
		loc: ['body', field],
		msg: `Input should be a valid UUID, ${parsed.error}`,
		input: value,
		ctx: { error: parsed.error },
	});
}

function stringField(body: JsonObject, field: string): Validated<string | undefined> {
	const value = body[field];
	if (value === undefined || value === null) return { ok: true, value: undefined };
	if (typeof value === 'string') return { ok: true, value };
	return invalid({
		type: 'string_type',
		loc: ['body', field],
		msg: 'Input should be a valid string',
		input: value,
	});
}

function missingFieldIssue(body: JsonObject, field: string): ValidationIssue {
	return { type: 'missing', loc: ['body', field], msg: 'Field required', input: body };
}

/** What a Pydantic `model_validator` raising ValueError looks like once FastAPI has encoded it. */
function exactlyOneOfIssue(body: JsonObject): ValidationIssue {
	return {
		type: 'value_error',
		loc: ['body'],
		msg: 'Value error, provide exactly one of user_id or email',
		input: body,
		ctx: { error: {} },
	};
}

function invalid(issue: ValidationIssue): { ok: false; issues: ValidationIssue[] } {
	return { ok: false, issues: [issue] };
}
