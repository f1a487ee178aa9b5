"""Users and sessions: login, token refresh and revocation, the current user, user administration, password reset."""

from __future__ import annotations

import hmac
from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors import _tokens
from apiconform.vendors.metadefender_sscp.auth import TOKEN_LIFETIME, Tokens
from apiconform.vendors.metadefender_sscp.store import Record, State, base, documents, ok, public

USER_FIELDS = ("UserId", "Username", "FullName", "Email", "Role", "ShowTutorial")
NEW_USER_WINDOW = 30 * 86400.0


def render_user(user: Record) -> Record:
    return {k: user[k] for k in USER_FIELDS}


def blank_user(user_id: str = "") -> Record:
    """What the in-band failure answers carry where the schema requires a user and there is none."""
    return {"UserId": user_id, "Username": "", "FullName": "", "Email": "", "Role": "None", "ShowTutorial": False}


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Accounts:
    def __init__(self, state: State, tokens: Tokens) -> None:
        self.state = state
        self.store = state.store
        self.tokens = tokens

    def handlers(self) -> dict[str, Handler]:
        return {
            "loginUser": self.login,
            "refreshAccessToken": self.refresh,
            "removeUserTokens": self.remove_tokens,
            "getCurrentUser": self.current_user,
            "listUsers": self.list_users,
            "addUser": self.add_user,
            "updateUser": self.update_user,
            "deleteUser": self.delete_user,
            "requestPasswordReset": self.request_reset,
            "resetPassword": self.reset_password,
        }

    # -- sessions -------------------------------------------------------------------------------------------------
    def _rejected(self, request: MockRequest, message: str) -> MockResponse:
        """Wrong credentials: 401 where the operation documents it, else the documented 400."""
        return MockResponse(401 if documents(request.operation, "401") else 400, {"error": message})

    def _token_reply(self, user: Record, message: str) -> MockResponse:
        token = self.tokens.issue(user)
        body = {**base("Success", message), "JwtToken": {"Token": token}}
        return ok(body, headers={"Cache-Control": "no-store"})

    def login(self, request: MockRequest) -> MockResponse:
        username, password = request.body.get("Username") or "", request.body.get("Password") or ""
        for user in self.store.all("users"):
            if username and user["Username"].lower() == username.lower() and _same(user["_password"], password):
                user["_lastLogin"] = self.state.now()
                self.state.audit("LoggedIn", "Authentication", f"{user['Username']} logged in", user=user["Username"])
                return self._token_reply(user, f"Token valid for {int(TOKEN_LIFETIME // 60)} minutes.")
        self.state.audit("LoggedIn", "Authentication", f"failed login for {username!r}", user=username, level="Warn")
        return self._rejected(request, "Invalid username or password")

    def refresh(self, request: MockRequest) -> MockResponse:
        principal = request.principal
        given = request.body.get("AccessToken")
        if given is None:
            user = self.store.get("users", principal.get("user"))
        else:
            claims = self.tokens.claims(given, allow_expired=True)
            if claims is None:
                return self._rejected(request, "AccessToken is not a token issued by this server, or it was revoked")
            if principal.get("scheme") == "Bearer" and claims["sub"] != principal.get("user"):
                return self._rejected(request, "AccessToken belongs to another user")
            user = self.store.get("users", claims["sub"])
        if user is None:
            return self._rejected(request, "the token's user no longer exists")
        return self._token_reply(user, "Token refreshed.")

    def remove_tokens(self, request: MockRequest) -> MockResponse:
        user_id = request.path["userId"]
        if self.store.get("users", user_id) is None:
            return ok(base("NotFound", f"User {user_id} not found."))
        # The token making this request stays valid, so the caller is not cut off mid-call.
        removed = self.tokens.revoke_user(user_id, keep=request.principal.get("jti"))
        return ok(base("Success", f"Removed {removed} token(s)."))

    # -- users --------------------------------------------------------------------------------------------------------
    def current_user(self, request: MockRequest) -> MockResponse:
        user = self.store.get("users", request.principal.get("user"))
        return ok({**base(), "UserDto": render_user(user) if user else blank_user()})

    def list_users(self, request: MockRequest) -> MockResponse:
        q = request.query
        users = self.store.all("users")
        if self.state.filtering:
            cutoff = self.state.now() - NEW_USER_WINDOW
            if q.get("Type") == "ActiveUsers":
                users = [u for u in users if u["_lastLogin"] is not None]
            elif q.get("Type") == "NewUsers":
                users = [u for u in users if u["_created"] >= cutoff or u["_lastLogin"] is None]
            term = (q.get("SearchTerm") or "").lower()
            if term:
                users = [u for u in users if any(term in str(u[f]).lower() for f in ("Username", "FullName", "Email"))]
        entries = self.state.page(users, q.get("StartIndex"), q.get("Count"))
        dto = {"Entries": [render_user(u) for u in entries], "TotalCount": len(users)}
        return ok({**base(), "EnumerateUsersDto": dto})

    def add_user(self, request: MockRequest) -> MockResponse:
        body: dict[str, Any] = request.body
        user_id = self.store.new_id("users")
        params = {
            "FullName": body.get("FullName", ""),
            "UserName": body.get("UserName", ""),
            "Password": body.get("Password", ""),
            "Email": body.get("Email", ""),
            "Role": body.get("Role", "ReadOnlyAdministrator"),
        }
        now = self.state.now()
        self.store.put(
            "users",
            {
                "UserId": user_id,
                "Username": params["UserName"],
                "FullName": params["FullName"],
                "Email": params["Email"],
                "Role": params["Role"],
                "ShowTutorial": True,
                "_password": params["Password"],
                "_created": now,
                "_lastLogin": None,
            },
            key="UserId",
        )
        self.state.audit("UserCreated", "Users", f"user {params['UserName']!r} created", user=self._actor(request))
        # MDS-61: CurrentUserId is the id of the user just created (the only id the answer carries).
        return ok({"CreateUserParameters": params, "CurrentUserId": user_id})

    def update_user(self, request: MockRequest) -> MockResponse:
        body: dict[str, Any] = request.body
        user = self.store.get("users", body.get("UserId", ""))
        if user is None:
            return ok(base("NotFound", f"User {body.get('UserId', '')!r} not found."))
        if "NewPassword" in body:
            own = user["UserId"] == request.principal.get("user")
            if own and not _same(user["_password"], str(body.get("CurrentPassword", ""))):
                return ok(base("InvalidCurrentPassword", "The current password is not correct."))
            user["_password"] = body["NewPassword"]
        renames = {"UserName": "Username", "FullName": "FullName", "Email": "Email", "Role": "Role"}
        for field, target in renames.items():
            if field in body:
                user[target] = body[field]
        if "ShowTutorial" in body:
            user["ShowTutorial"] = body["ShowTutorial"]
        log_type = "UserRoleUpdated" if "Role" in body else "UserUpdated"
        self.state.audit(log_type, "Users", f"user {user['Username']!r} updated", user=self._actor(request))
        return ok(base("Success", "User updated."))

    def delete_user(self, request: MockRequest) -> MockResponse:
        user_id = request.path["userId"]
        user = self.store.get("users", user_id)
        if user is None:
            return ok(base("NotFound", f"User {user_id} not found."))
        if user_id == request.principal.get("user"):
            return ok(base("CannotDeleteCurrentUser", "You cannot delete the user you are signed in as."))
        self.store.delete("users", user_id)
        self.tokens.revoke_user(user_id)
        self.state.audit("UserRemoved", "Users", f"user {user['Username']!r} removed", user=self._actor(request))
        return ok(base("Success", "User deleted."))

    # -- password reset -------------------------------------------------------------------------------------------
    def request_reset(self, request: MockRequest) -> MockResponse:
        email = str(request.body["EmailInput"]).lower()
        for user in self.store.all("users"):
            if user["Email"].lower() == email:
                serial = self.store.new_id("reset-tokens")
                user["_resetToken"] = _tokens.hex_token(self.state.seed, f"reset:{serial}", 48)
                user["_resetUntil"] = self.state.now() + TOKEN_LIFETIME
        # The same answer whether or not the address is known, so it cannot be used to probe accounts.
        return ok(base("Success", "If the address belongs to a user, a reset link has been sent."))

    def reset_password(self, request: MockRequest) -> MockResponse:
        body: dict[str, Any] = request.body
        user = self.store.get("users", body.get("UserId", ""))
        if user is None:
            return ok({**base("NotFound", "User not found."), "User": blank_user(str(body.get("UserId", "")))})
        token, until = user.get("_resetToken"), user.get("_resetUntil", 0.0)
        if not token or not _same(token, str(body.get("SecureToken", ""))) or self.state.now() >= until:
            return ok({**base("InvalidToken", "The reset token is invalid or expired."), "User": render_user(user)})
        if body["NewPassword"] != body["NewPasswordConfirmation"]:
            return ok({**base("PasswordsDoNotMatch", "The passwords do not match."), "User": render_user(user)})
        user["_password"] = body["NewPassword"]
        user.pop("_resetToken", None)
        self.tokens.revoke_user(user["UserId"])
        return ok({**base("Success", "Password changed."), "User": public(render_user(user))})

    def _actor(self, request: MockRequest) -> str:
        user = self.store.get("users", request.principal.get("user"))
        return str(user["Username"]) if user else "system"
