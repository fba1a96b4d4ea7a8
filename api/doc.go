// Package api is shmbridge's REST API: thin HTTP handlers, grouped by resource, over internal/registry (the
// API's one way down to the OS).
//
// The OpenAPI 3.1 description (openapi.yaml at the repository root) is generated from the annotations in this
// package by `go generate ./...` (swag v2); see internal/cmd/genspec.
//
// swag v2.0.0-rc5 quirk: an `@Accept` line before the `@Param … body` line makes the request body a
// `oneOf: [{type: object}, <the real schema>]`, which no valid body satisfies (it matches both). So every
// operation here declares its body parameter first, then `@Accept`. And with more than one
// `@securitydefinitions`, each overwrites the one before (all end up under the first name with the last one's
// attributes), so only the bearer scheme is declared here: the token, a session of POST /v1/sessions, or a
// scoped token, all sent the same way. genspec adds AccessToken (a read token in ?access_token=) to the
// operations that take that parameter.
//
//	@title							shmbridge API
//	@version						1
//	@description					Named shared memory (Windows file mappings, Linux /dev/shm) over HTTP.
//	@description					Errors are RFC 9457 problems (application/problem+json) whose `type` is one of the Problem.type values.
//	@license.name					MIT
//	@servers.url					/
//	@servers.description			the daemon that serves this document (default http://127.0.0.1:8765)
//	@externalDocs.description		README
//	@externalDocs.url				https://github.com/shmbridge/shmbridge#readme
//	@securitydefinitions.bearerauth	BearerAuth
//	@description					The token the daemon writes at first start (see its log), or SHMBRIDGE_TOKEN; or a session credential from POST /v1/sessions (what the dashboard sends). No cookie is read.
package api

//go:generate go run ../internal/cmd/genspec
