"""Idempotent seeding of the lab cloud over the plain REST APIs (keystoneauth1 only).

usage: seed.py identity|resources
  identity   service project, service users, demo user, catalog (needs Keystone)
  resources  flavors, the fake image, networks, router (needs Nova, Glance, Neutron)
Everything is looked up first and created only when missing, so reruns are cheap.
"""

import os
import sys

import time

from keystoneauth1 import adapter, exceptions, session
from keystoneauth1.identity import v3

HOST = "127.0.0.1"
PASSWORD = os.environ.get("OSLAB_PASSWORD", "password")
REGION = "RegionOne"
AUTH_URL = f"http://{HOST}:5000/v3"

CATALOG = [
    ("glance", "image", f"http://{HOST}:9292"),
    ("placement", "placement", f"http://{HOST}:8778"),
    ("nova", "compute", f"http://{HOST}:8774/v2.1"),
    ("neutron", "network", f"http://{HOST}:9696"),
]
SERVICE_USERS = ["glance", "placement", "nova", "neutron"]
FLAVORS = [("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 1, 20), ("3", "m1.medium", 4096, 2, 40)]
FAKE_IMAGE_BYTES = 1024 * 1024


def admin_session():
    auth = v3.Password(auth_url=AUTH_URL, username="admin", password=PASSWORD,
                       project_name="admin", user_domain_id="default", project_domain_id="default")
    return session.Session(auth=auth)


def api(sess, service_type):
    return adapter.Adapter(sess, service_type=service_type, interface="public", region_name=REGION)


def find_one(ad, path, key, **query):
    items = ad.get(path, params=query).json()[key]
    return items[0] if items else None


def ensure(ad, path, key, singular, query, body):
    found = find_one(ad, path, key, **query)
    if found:
        return found
    print(f"seed: create {singular} {query}")
    return ad.post(path, json={singular: body}).json()[singular]


def seed_identity(sess):
    identity = adapter.Adapter(sess, endpoint_override=AUTH_URL)
    roles = {}
    for role in ["admin", "member", "reader", "service"]:
        roles[role] = ensure(identity, "/roles", "roles", "role", {"name": role}, {"name": role})["id"]

    def project(name):
        return ensure(identity, "/projects", "projects", "project", {"name": name},
                      {"name": name, "domain_id": "default"})["id"]

    def user(name, project_id, role_names):
        user_id = ensure(identity, "/users", "users", "user", {"name": name},
                         {"name": name, "password": PASSWORD, "domain_id": "default",
                          "default_project_id": project_id})["id"]
        for role in role_names:
            identity.put(f"/projects/{project_id}/users/{user_id}/roles/{roles[role]}")

    service_project = project("service")
    for name in SERVICE_USERS:
        user(name, service_project, ["admin", "service"])
    user("demo", project("demo"), ["member", "reader"])

    for name, service_type, url in CATALOG:
        service_id = ensure(identity, "/services", "services", "service", {"type": service_type},
                            {"type": service_type, "name": name, "enabled": True})["id"]
        for interface in ["public", "internal", "admin"]:
            ensure(identity, "/endpoints", "endpoints", "endpoint",
                   {"service_id": service_id, "interface": interface},
                   {"service_id": service_id, "interface": interface, "url": url, "region_id": REGION})


def seed_resources(sess):
    compute = api(sess, "compute")
    for flavor_id, name, ram_mb, vcpus, disk_gb in FLAVORS:
        if compute.get(f"/flavors/{flavor_id}", raise_exc=False).status_code == 404:
            print(f"seed: create flavor {name}")
            compute.post("/flavors", json={"flavor": {"id": flavor_id, "name": name, "ram": ram_mb,
                                                      "vcpus": vcpus, "disk": disk_gb}})

    image = api(sess, "image")
    found = find_one(image, "/v2/images", "images", name="cirros-fake")
    if not found:
        print("seed: create image cirros-fake")
        found = image.post("/v2/images", json={"name": "cirros-fake", "disk_format": "raw",
                                               "container_format": "bare", "visibility": "public"}).json()
    if found["status"] == "queued":
        image.put(f"/v2/images/{found['id']}/file", data=bytes(FAKE_IMAGE_BYTES),
                  headers={"Content-Type": "application/octet-stream"})

    network = api(sess, "network")
    lab_net = ensure(network, "/v2.0/networks", "networks", "network", {"name": "lab-net"},
                     {"name": "lab-net", "shared": True, "provider:network_type": "local"})
    lab_subnet = ensure(network, "/v2.0/subnets", "subnets", "subnet", {"name": "lab-subnet"},
                        {"name": "lab-subnet", "network_id": lab_net["id"], "ip_version": 4,
                         "cidr": "192.0.2.0/24", "gateway_ip": "192.0.2.1", "enable_dhcp": False})
    public = ensure(network, "/v2.0/networks", "networks", "network", {"name": "public"},
                    {"name": "public", "router:external": True, "provider:network_type": "flat",
                     "provider:physical_network": "public"})
    ensure(network, "/v2.0/subnets", "subnets", "subnet", {"name": "public-subnet"},
           {"name": "public-subnet", "network_id": public["id"], "ip_version": 4,
            "cidr": "203.0.113.0/24", "gateway_ip": "203.0.113.1", "enable_dhcp": False})
    router = ensure(network, "/v2.0/routers", "routers", "router", {"name": "lab-router"},
                    {"name": "lab-router", "external_gateway_info": {"network_id": public["id"]}})
    if not find_one(network, "/v2.0/ports", "ports", device_id=router["id"], network_id=lab_net["id"]):
        network.put(f"/v2.0/routers/{router['id']}/add_router_interface",
                    json={"subnet_id": lab_subnet["id"]})


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("identity", "resources"):
        sys.exit(__doc__)
    # uwsgi workers that are still importing the application reset connections for a while
    # after the first one answers; every step is idempotent, so retrying from the top is safe.
    for attempt in range(1, 31):
        try:
            sess = admin_session()
            if sys.argv[1] == "identity":
                seed_identity(sess)
            else:
                seed_resources(sess)
            return
        except (exceptions.ConnectFailure, exceptions.ServiceUnavailable) as error:
            print(f"seed: attempt {attempt}: {error}; retrying", flush=True)
            time.sleep(2)
    sys.exit("seed: gave up")


if __name__ == "__main__":
    main()
