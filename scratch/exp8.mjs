import SCIMMY from "scimmy";
SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false));
const def = SCIMMY.Schemas.User.definition;
console.log(def.attributes.map(a => a.constructor.name + ':' + (a.name ?? a.id)));
const ext = def.attribute("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
console.log(ext.constructor.name, ext.id, ext instanceof SCIMMY.Types.SchemaDefinition);
console.log(def.attribute("EMAILS").name, def.attribute("emails.VALUE").name, def.attribute("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:MANAGER").name);
try { console.log(def.attribute("urn:ietf:params:scim:schemas:core:2.0:User:userName").name) } catch (e) { console.log('core urn ERR', e.message) }
