import SCIMMY from "scimmy";
SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser));
SCIMMY.Resources.declare(SCIMMY.Resources.Group);
const E="urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const data = {id:"1", userName:"bj", active:true, emails:[{value:"b@x.com",type:"work"}], name:{familyName:"J", givenName:"B"}, groups:[{value:"g1", display:"Eng", $ref:"/Groups/g1"}], [E]:{department:"Eng", manager:{value:"m1"}}, meta:{created:"2020-01-01T00:00:00.000Z", lastModified:"2020-01-01T00:00:00.000Z", version:'W/"3"'}};
for (const attrs of [undefined, {attributes:"userName"}, {attributes:"emails.value"}, {attributes:E+":department"}, {excludedAttributes:"groups,emails"}, {attributes:"name.familyName,meta.version"}, {excludedAttributes:E}]) {
  try { const res = new SCIMMY.Resources.User(attrs ?? {}); const o = new SCIMMY.Schemas.User(data, "out", "https://h/scim/v2/Users", res.attributes); console.log(JSON.stringify(attrs), JSON.stringify(o)); } catch(e) { console.log(JSON.stringify(attrs), 'ERR', e.status, e.message); }
}
const def = SCIMMY.Schemas.User.definition;
for (const a of ['meta.created','userName','name.familyName','emails.value','groups', E+':department', E+':manager.value', 'id', 'externalId', 'USERNAME', 'meta']) { try { const at = def.attribute(a); console.log(a, at?.constructor?.name, at?.type, JSON.stringify(at?.config)); } catch(e) { console.log(a, 'ERR', e.message) } }
// validation of inbound
for (const body of [{userName:"x", foo:1}, {userName:""}, {}, {userName:"x", active:"True"}, {userName:"x", emails:"nope"}, {userName:"x", id:"zz", meta:{created:"x"}}, {schemas:["urn:bad"], userName:"x"}, {userName:"x", password:"secret"}, {userName:"x", groups:[{value:"g"}]}, {userName:"x", [E]:{department:"d"}}, {userName:"x", [E]:{manager: "m"}}]) {
  try { const o = new SCIMMY.Schemas.User(body, "in"); console.log('IN', JSON.stringify(body), '=>', JSON.stringify(o)); } catch (e) { console.log('IN', JSON.stringify(body), 'ERR', e.status, e.scimType, e.message); }
}
