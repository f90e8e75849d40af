"""The roles: immutable named sets of actions, as the reference defines them.

Roles live in code (so they cannot drift between replicas or be edited through the API) and
are mirrored into the enterprise schema's ``roles`` table at start-up so the database can
enforce membership integrity. Later features add their roles here.
"""

from __future__ import annotations

from dataclasses import dataclass

from drydock.rbac.permissions import Action

A = Action


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    description: str
    actions: frozenset[Action]  # empty with ``all_actions`` = full control

    all_actions: bool = False

    def allows(self, action: Action) -> bool:
        return self.all_actions or action in self.actions


_IMAGE_RW = {A.CREATE_IMAGE, A.LIST_IMAGES, A.GET_IMAGE, A.UPDATE_IMAGE, A.DELETE_IMAGE, A.IMPORT_IMAGE}
_POLICY_RW = {A.CREATE_POLICY, A.LIST_POLICIES, A.GET_POLICY, A.UPDATE_POLICY, A.DELETE_POLICY}
_REGISTRY_RW = {A.CREATE_REGISTRY, A.LIST_REGISTRIES, A.GET_REGISTRY, A.UPDATE_REGISTRY, A.DELETE_REGISTRY}
_SUBSCRIPTION_RW = {
    A.CREATE_SUBSCRIPTION,
    A.LIST_SUBSCRIPTIONS,
    A.GET_SUBSCRIPTION,
    A.UPDATE_SUBSCRIPTION,
    A.DELETE_SUBSCRIPTION,
}
_EVENTS_RW = {A.LIST_EVENTS, A.GET_EVENT, A.DELETE_EVENTS}

ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role("full-control", "Every action within the account", frozenset(), all_actions=True),
        Role(
            "account-users-admin",
            "Manage the account's users and their role memberships",
            frozenset(
                {
                    A.LIST_USERS,
                    A.GET_USER,
                    A.CREATE_USER,
                    A.UPDATE_USER,
                    A.DELETE_USER,
                    A.LIST_ROLES,
                    A.GET_ROLE,
                    A.LIST_ROLE_MEMBERS,
                    A.CREATE_ROLE_MEMBER,
                    A.DELETE_ROLE_MEMBER,
                }
            ),
        ),
        Role(
            "read-write",
            "Create, read, update and delete the account's images, policies, registries, "
            "repositories, subscriptions and events; sync feeds",
            frozenset(
                _IMAGE_RW
                | _POLICY_RW
                | _REGISTRY_RW
                | _SUBSCRIPTION_RW
                | _EVENTS_RW
                | {
                    A.CREATE_REPOSITORY,
                    A.GET_IMAGE_EVALUATION,
                    A.LIST_FEEDS,
                    A.UPDATE_FEEDS,
                    A.GET_SERVICE,
                    A.LIST_SERVICES,
                }
            ),
        ),
        Role(
            "read-only",
            "Read the account's images, policies, subscriptions, registries, feeds, services and events",
            frozenset(
                {
                    A.LIST_IMAGES,
                    A.GET_IMAGE,
                    A.LIST_POLICIES,
                    A.GET_POLICY,
                    A.LIST_SUBSCRIPTIONS,
                    A.GET_SUBSCRIPTION,
                    A.LIST_REGISTRIES,
                    A.GET_REGISTRY,
                    A.LIST_FEEDS,
                    A.LIST_SERVICES,
                    A.GET_SERVICE,
                    A.LIST_EVENTS,
                    A.GET_EVENT,
                    A.GET_IMAGE_EVALUATION,
                }
            ),
        ),
        Role(
            "policy-editor",
            "Edit the account's policies and read what they apply to",
            frozenset(
                {
                    A.LIST_IMAGES,
                    A.GET_IMAGE,
                    A.LIST_SUBSCRIPTIONS,
                    A.LIST_POLICIES,
                    A.GET_POLICY,
                    A.GET_IMAGE_EVALUATION,
                    A.CREATE_POLICY,
                    A.UPDATE_POLICY,
                    A.DELETE_POLICY,
                }
            ),
        ),
        Role(
            "image-analyzer",
            "Add images and read their results (for CI pipelines)",
            frozenset(
                {
                    A.LIST_IMAGES,
                    A.GET_IMAGE,
                    A.CREATE_IMAGE,
                    A.GET_IMAGE_EVALUATION,
                    A.LIST_EVENTS,
                    A.GET_EVENT,
                    A.LIST_SUBSCRIPTIONS,
                    A.GET_SUBSCRIPTION,
                }
            ),
        ),
        Role(
            "inventory-agent",
            "Report runtime inventory and submit the images found (for cluster agents)",
            frozenset({A.LIST_IMAGES, A.GET_IMAGE, A.CREATE_IMAGE, A.IMPORT_IMAGE}),
        ),
    )
}

# Roles that can manage users; an account must keep at least one member holding one of them.
USER_ADMIN_ROLES = frozenset({"full-control", "account-users-admin"})


def get_role(name: str) -> Role | None:
    return ROLES.get(name)
