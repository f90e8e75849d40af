"""The one catalog of action names (Anchore's ``x-anchore-authz-action`` values).

Every External API operation declares exactly one of these; roles are sets of them. Keeping
them in one StrEnum means a typo is an import error, not a silent hole.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # images
    CREATE_IMAGE = "createImage"
    LIST_IMAGES = "listImages"
    GET_IMAGE = "getImage"
    UPDATE_IMAGE = "updateImage"
    DELETE_IMAGE = "deleteImage"
    GET_IMAGE_EVALUATION = "getImageEvaluation"
    IMPORT_IMAGE = "importImage"
    CREATE_REPOSITORY = "createRepository"
    # policies
    CREATE_POLICY = "createPolicy"
    LIST_POLICIES = "listPolicies"
    GET_POLICY = "getPolicy"
    UPDATE_POLICY = "updatePolicy"
    DELETE_POLICY = "deletePolicy"
    # registries
    CREATE_REGISTRY = "createRegistry"
    LIST_REGISTRIES = "listRegistries"
    GET_REGISTRY = "getRegistry"
    UPDATE_REGISTRY = "updateRegistry"
    DELETE_REGISTRY = "deleteRegistry"
    # subscriptions
    CREATE_SUBSCRIPTION = "createSubscription"
    LIST_SUBSCRIPTIONS = "listSubscriptions"
    GET_SUBSCRIPTION = "getSubscription"
    UPDATE_SUBSCRIPTION = "updateSubscription"
    DELETE_SUBSCRIPTION = "deleteSubscription"
    # events
    LIST_EVENTS = "listEvents"
    GET_EVENT = "getEvent"
    DELETE_EVENTS = "deleteEvents"
    # feeds and system
    LIST_FEEDS = "listFeeds"
    UPDATE_FEEDS = "updateFeeds"
    LIST_SERVICES = "listServices"
    GET_SERVICE = "getService"
    DELETE_SERVICE = "deleteService"
    # accounts, users
    LIST_ACCOUNTS = "listAccounts"
    CREATE_ACCOUNT = "createAccount"
    GET_ACCOUNT = "getAccount"
    UPDATE_ACCOUNT = "updateAccount"
    DELETE_ACCOUNT = "deleteAccount"
    LIST_USERS = "listUsers"
    CREATE_USER = "createUser"
    GET_USER = "getUser"
    UPDATE_USER = "updateUser"
    DELETE_USER = "deleteUser"
    # rbac
    LIST_ROLES = "listRoles"
    GET_ROLE = "getRole"
    LIST_ROLE_MEMBERS = "listRoleMembers"
    CREATE_ROLE_MEMBER = "createRoleMember"
    DELETE_ROLE_MEMBER = "deleteRoleMember"
    # audit
    LIST_AUDIT_EVENTS = "listAuditEvents"
    # simple queue (system-wide; workers and operators use an admin identity)
    LIST_QUEUES = "listQueues"
    MANAGE_QUEUES = "manageQueues"
    # operations that need only an authenticated caller (own identity, system status)
    AUTHENTICATED = "authenticated"


# Actions whose domain is the whole system: only admin-account users may perform them, and
# no role grants them.
SYSTEM_ACTIONS = frozenset(
    {
        Action.LIST_ACCOUNTS,
        Action.CREATE_ACCOUNT,
        Action.UPDATE_ACCOUNT,
        Action.DELETE_ACCOUNT,
        Action.DELETE_SERVICE,
        Action.LIST_AUDIT_EVENTS,
        # Feed data is shared by every account: one tenant must not be able to flush it.
        Action.UPDATE_FEEDS,
        Action.LIST_QUEUES,
        Action.MANAGE_QUEUES,
    }
)
