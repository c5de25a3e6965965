// The services' MongoDB user, made once: the mongo image runs /docker-entrypoint-initdb.d/*.js on the first
// start of an empty data volume, after it has made the root user (MONGO_INITDB_ROOT_*), with access control
// still off. The user and password are those of the URI the services are given (the jip_mongodb_uri compose
// secret, made by deploy/make_secrets.py), so the password is written in one place.
//
// The user may read and write the platform's databases and nothing else: no other database, no user or
// cluster administration. Each is named {JIP_NAMESPACE}_{name} (shared/mechanics/settings.py), with the compose
// stack's namespace, jip; tests/deploy/test_deploy.py checks this list against the settings.
const DATABASES = ["jip_scheduling", "jip_evidence", "jip_judgement", "jip_lscb", "jip_reporting", "jip_subject_keys", "jip_platform"];

const uri = new URL(require("fs").readFileSync("/run/secrets/jip_mongodb_uri", "utf8").trim());
const user = decodeURIComponent(uri.username);
const pwd = decodeURIComponent(uri.password);
if (!user || !pwd) {
  throw new Error("jip_mongodb_uri names no user and password: mongodb://USER:PASSWORD@mongodb:27017/...");
}
db.getSiblingDB(uri.searchParams.get("authSource") || "admin").createUser({
  user,
  pwd,
  roles: DATABASES.map((name) => ({ role: "readWrite", db: name })),
});
print(`created the MongoDB user ${user}: readWrite on ${DATABASES.join(", ")}`);
