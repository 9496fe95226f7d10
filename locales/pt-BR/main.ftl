# Textos do Assent em português (Brasil).
date-format = %-d de %B de %Y
date-time-format = %-d de %B de %Y, %H:%M %Z

## Shell
skip-to-content = Pular para o conteúdo
language = Idioma
language-change = Mudar idioma
page-suffix = Assent

## Home
home-title = Início
home-lead = A tela de consentimento do seu servidor de autorização: mostra às pessoas exatamente o que um aplicativo pede, permite conceder tudo, uma parte ou nada, e respeita a decisão delas.
home-issuer = Servidor de autorização:
home-portal-link = Revisar os aplicativos aos quais você deu acesso
home-console-link = Equipe do banco: o console de registros de consentimento
home-demo-link = Abrir o aplicativo de demonstração do sandbox
home-demo-hint = Entre como user, user2 … user12 com a senha p@ssword!
home-fdx-demo-link = Abrir o receptor de dados Open Finance do sandbox
home-aggregator-link = Abrir o agregador de contas do sandbox (conecta todos os bancos do sandbox)

## Consent screen
consent-page-title = Pedido de consentimento
consent-title = { $client } quer acessar sua conta
consent-signed-in = Conectado como { $user }
consent-asks = Ele pede para:
consent-also-receive = Ele também receberá:
# The standard OpenID Connect claims (Core §5.1) a request may ask for, as the screen names them; others show as the request names them.
claim-name = seu nome completo
claim-given_name = seu nome
claim-family_name = seu sobrenome
claim-middle_name = seu nome do meio
claim-nickname = seu apelido
claim-preferred_username = seu nome de usuário
claim-profile = sua página de perfil
claim-picture = sua foto
claim-website = seu site
claim-email = seu e-mail
claim-email_verified = se seu e-mail está verificado
claim-gender = seu gênero
claim-birthdate = sua data de nascimento
claim-zoneinfo = seu fuso horário
claim-locale = seu idioma e região
claim-phone_number = seu número de telefone
claim-phone_number_verified = se seu número de telefone está verificado
claim-address = seu endereço postal
claim-updated_at = quando seu perfil foi atualizado pela última vez
consent-change-mind = Você pode mudar de ideia a qualquer momento: revogue este acesso na página da sua conta.
consent-required = (necessário para entrar)
consent-about-app = Sobre este aplicativo
consent-unverified-title = Confirme que foi você quem iniciou este pedido
consent-unverified-device = Este aplicativo recebe sua resposta neste dispositivo ({ $where }), não em um site: ninguém verificou se ele é mesmo quem diz ser. Continue somente se foi você quem iniciou este pedido.
consent-unverified-app = Este aplicativo recebe sua resposta em um app deste dispositivo, que se identifica como { $where }, não em um site: ninguém verificou se ele é mesmo quem diz ser. Continue somente se foi você quem iniciou este pedido.
consent-unverified-unencrypted = Este aplicativo recebe sua resposta em { $where } sem criptografia: ninguém verificou se ele é mesmo quem diz ser, e outras pessoas na sua rede poderiam lê-la. Continue somente se confiar nele.
consent-unverified-unreadable = Este aplicativo recebe sua resposta em um endereço que não é de um site: ninguém verificou se ele é mesmo quem diz ser. Continue somente se foi você quem iniciou este pedido.
consent-nothing = Nada para mostrar
consent-nothing-lead = Abra esta página a partir do aplicativo em que você está entrando.
consent-select-one = Selecione pelo menos uma permissão para permitir, ou escolha Recusar.
consent-accounts-without-permission = Você escolheu contas, mas não a permissão que as compartilha. Marque essa permissão ou desmarque as contas.
link-website = Site
link-policy = Política de privacidade
link-terms = Termos de serviço
other-permissions = Outras permissões
allow = Permitir
deny = Recusar

## Portal
portal-title = Seus aplicativos conectados
portal-lead = Veja cada aplicativo que você autorizou a acessar sua conta, o que cada um pode fazer, e retire o acesso quando quiser.
sign-in = Entrar
sign-out = Sair
portal-signed-in = Conectado como { $user }
portal-filter-label = Filtrar por nome
portal-filter = Filtrar
portal-empty = Nenhum aplicativo tem acesso à sua conta. Quando você autorizar um, ele aparecerá aqui.
portal-no-match = Nenhum aplicativo corresponde a este filtro.
portal-apps-label = Aplicativos com acesso
portal-active = Ativo
portal-granted = Acesso concedido em { $date }
portal-can = Ele pode:
portal-receives = Ele recebe:
portal-revoke = Revogar acesso
portal-revoke-label = Revogar acesso de { $client }
portal-revoked = Acesso revogado. O aplicativo não pode mais usar sua conta.
revoke-page-title = Revogar acesso
stop-page-title = Parar de compartilhar
revoke-title = Revogar o acesso de { $client }?
revoke-loses = { $client } perde imediatamente o acesso à sua conta, e os tokens de login dele deixam de funcionar.
revoke-data = Ele ainda pode ter dados obtidos antes; peça ao aplicativo se quiser que sejam apagados.
revoke-again = Você pode autorizá-lo de novo mais tarde entrando nele.
revoke-nothing = Nada para revogar.
cancel = Cancelar

## Error pages
error-status = Erro { $status }
error-request-id = ID da solicitação
error-home = Ir para a página inicial
error-portal = Abrir o portal
error-console = Abrir o console da equipe
not-found-title = Página não encontrada
not-found-message = Não há nada neste endereço.
link-incomplete-title = Este link está incompleto
link-incomplete-message = Uma página de consentimento precisa do login_id e do login_state que o servidor de autorização adiciona. Volte ao aplicativo e entre novamente.
link-invalid-title = Este link não é válido
link-invalid-message = Os parâmetros dele estão malformados. Volte ao aplicativo e entre novamente.
consent-type-title = Este tipo de consentimento não é oferecido aqui
consent-type-message = O aplicativo pediu um tipo de consentimento que esta tela de consentimento não trata. Volte ao aplicativo.
flow-expired-title = Este pedido de login expirou
flow-expired-message = Ele pode ter expirado, já ter sido concluído, ou o link está incompleto. Volte ao aplicativo e entre novamente.
answered-title = Este pedido já foi respondido
answered-message = Foi respondido antes, talvez em outra janela, e essa resposta continua valendo. Volte ao aplicativo para continuar.
refused-title = Este pedido não é válido
refused-message = O servidor de autorização o recusou. Volte ao aplicativo e entre novamente.
busy-title = Muitas solicitações no momento
busy-message = O servidor de autorização está ocupado. Aguarde um momento e recarregue esta página.
timeout-title = O servidor de autorização não está respondendo
timeout-message = Ele demorou demais para responder. Recarregue esta página em instantes; seu login continua aguardando.
unanswered-title = Sua escolha foi enviada, mas nenhuma resposta voltou
unanswered-message = O servidor de autorização pode tê-la recebido. Envie-a de novo agora mesmo para continuar: a mesma escolha é enviada, e ela conta só uma vez.
unanswered-send-again = Enviar de novo
trouble-title = O servidor de autorização está com problemas
trouble-message = O Assent não conseguiu obter uma resposta válida. Recarregue esta página em instantes, ou volte ao aplicativo e tente de novo.
bad-redirect-message = Ele enviou um endereço inesperado para continuar, e o Assent não o seguiu. Volte ao aplicativo e tente de novo.
unsupported-title = Este tipo de solicitação não é aceito
unsupported-message = Os formulários do Assent enviam seus campos como um formulário da web. Volte à página e use o formulário dela.
not-allowed-title = Este endereço não é uma página
not-allowed-message = É para onde o formulário de uma página envia sua resposta. Volte a essa página e use o formulário dela.
form-incomplete-title = Este formulário está incompleto
form-incomplete-message = Volte ao aplicativo e entre novamente.
form-choose = Escolha Permitir ou Recusar.
form-forged-title = Não foi possível verificar este formulário
form-forged-message = Talvez tenha ficado aberto tempo demais, sido aberto em outro navegador ou enviado de outro site. Nada foi compartilhado: volte ao aplicativo e comece de novo.
portal-load-failed = Não foi possível carregar seus aplicativos. Recarregue esta página em instantes.
portal-partial = Parte dos dados que você compartilha não pôde ser carregada agora, então esta lista pode estar incompleta. Recarregue esta página em instantes.
portal-off-title = O portal não está configurado
portal-off-message = Defina PORTAL_CLIENT_ID para ativá-lo.
portal-form-forged-message = Abra o portal novamente e tente a partir dele.
sign-in-unavailable-title = O login não está disponível
sign-in-unavailable-message = Não foi possível contatar o servidor de autorização. Tente de novo em instantes.
sign-in-restart = Entre novamente para continuar.
sign-in-unverified-title = Não foi possível verificar este login
sign-in-expired-title = Este login expirou
sign-in-denied-title = Você não entrou
sign-in-failed-title = Falha no login
session-ended-title = Sua sessão terminou

## Open Finance (FDX)
fdx-page-title = Compartilhar seus dados financeiros
fdx-title = { $client } quer acessar seus dados financeiros
fdx-held-by = Seus dados estão em
fdx-data = Ele pede
fdx-resource-ACCOUNT = Das contas que você escolher
fdx-resource-CUSTOMER = Sobre você
fdx-cluster-ACCOUNT_BASIC = Tipo de conta, nome e número mascarado
fdx-cluster-ACCOUNT_DETAILED = Detalhes da conta e saldos
fdx-cluster-TRANSACTIONS = Transações: valores, datas e descrições
fdx-cluster-STATEMENTS = Extratos da conta
fdx-cluster-ACCOUNT_PAYMENTS = Números de conta e de roteamento, para pagamentos
fdx-cluster-INVESTMENTS = Investimentos e posições
fdx-cluster-CUSTOMER_CONTACT = Seu nome, e-mail, telefone e endereço postal
fdx-cluster-CUSTOMER_PERSONAL = Dados pessoais como sua data de nascimento
fdx-duration = Por quanto tempo
fdx-once = Uma vez: o acesso termina depois que os dados são obtidos
fdx-until = { $days ->
    [1] 1 dia, até { $date }
   *[other] { $days } dias, até { $date }
}
fdx-until-date = Até { $date }
fdx-ongoing = Até você interromper
fdx-lookback = Desde quando
fdx-lookback-days = { $days ->
    [1] Até 1 dia de histórico
   *[other] Até { $days } dias de histórico
}
fdx-choose = Escolha as contas a compartilhar
fdx-choose-hint = Somente as contas que você marcar são compartilhadas.
fdx-choose-one = Escolha pelo menos uma conta para compartilhar, ou escolha Recusar.
fdx-no-accounts = Você não tem contas que possam ser compartilhadas.
fdx-not-yours-title = Esta conta não pode ser compartilhada
fdx-not-yours-message = Uma das contas escolhidas não é sua. Volte ao aplicativo e comece de novo.
accounts-unavailable = Contas que você não pode compartilhar agora
portal-account-not-shared = não é compartilhada agora
accounts-unavailable-reason = O banco não permite usar esta conta agora.
account-joint-withheld-you = Você desativou o compartilhamento desta conta conjunta. Ela volta a ser compartilhada quando todos os titulares permitirem.
account-joint-withheld-other = Outro titular desta conta conjunta não permitiu o compartilhamento. Ela é compartilhada quando todos os titulares permitirem.
account-unavailable-title = Esta conta não pode ser usada agora
account-unavailable-message = O banco informa que uma conta que você escolheu não pode ser compartilhada nem usada para pagar agora, então nada foi enviado. Escolha entre as contas oferecidas agora.
fdx-other-holder-title = Outro titular da conta deu este consentimento
fdx-other-holder-message = Foi dado por outro titular de uma conta conjunta, então só essa pessoa pode interrompê-lo. Para que os dados da sua conta conjunta deixem de ser compartilhados, desative o compartilhamento em Contas conjuntas, ou fale com seu banco.
fdx-balance = Saldo
fdx-scopes = Permissões
account-kind-CHECKING = Conta corrente
account-kind-SAVINGS = Poupança
account-kind-CREDIT_CARD = Cartão de crédito
fdx-status-Authorised = Ativo
fdx-status-AwaitingAuthorisation = Aguardando aprovação
fdx-status-Rejected = Recusado
fdx-status-Revoked = Interrompido
fdx-status-Expired = Expirado
portal-records-title = Seus registros de consentimento
portal-records-lead = Cada consentimento que você deu aqui, vigente ou passado. Cada um tem um recibo que você pode guardar.
portal-record-authorized = Ativo
portal-record-revoked = Encerrado
portal-record-rejected = Recusado
portal-record-expired = Expirado
portal-record-given = Dado em { $date }
portal-record-declined = Recusado em { $date }
portal-record-asked = Pedia:
portal-record-ended-customer = Encerrado por você em { $date }
portal-record-ended-co-holder = Encerrado pelo outro titular de uma conta conjunta em { $date }
portal-record-ended-staff = Encerrado por { $name } no banco em { $date }: { $reason }
portal-record-ended-application = Encerrado pelo aplicativo em { $date }
portal-record-ended-server = Encerrado no banco em { $date }
portal-record-ended-expiry = Encerrado em { $date }, ao fim do período para o qual foi concedido
portal-record-ended-now = Encerrado por você agora mesmo
portal-client-at-bank = { $client } em { $bank }
portal-record-shares = Compartilha:
portal-record-receipt = Baixar o recibo
receipt-collection-method = Tela de consentimento on-line (Assent), exibida ao cliente conectado
receipt-purpose-category = Compartilhamento de dados com um aplicativo de terceiros
receipt-termination = Revogável a qualquer momento, pelo cliente no portal de consentimentos do banco ou pelo banco.
receipt-financial-data = Dados de contas financeiras
portal-record-receipt-label = Baixar o recibo do seu consentimento para { $client }
portal-fdx-title = Dados financeiros que você compartilha
portal-fdx-empty = Você não compartilha dados financeiros.
portal-fdx-accounts = Contas:
portal-fdx-data = Dados:
portal-fdx-created = Concedido em { $date }
portal-fdx-expires = Termina em { $date }
portal-expired-on = Expirado em { $date }
portal-shared = { $count ->
    [one] Compartilhado uma vez, em { $date }: { $data }
   *[other] Compartilhado { $count } vezes, a última em { $date }: { $data }
}
portal-shared-none = Nada foi compartilhado ainda
portal-shared-undated = { $count ->
    [one] Compartilhado uma vez: { $data }
   *[other] Compartilhado { $count } vezes: { $data }
}
portal-shared-never = Nada foi compartilhado
portal-shared-accounts = nomes e números das contas
portal-shared-balances = saldos
portal-shared-transactions = transações
portal-fdx-revoke = Parar de compartilhar
portal-fdx-revoke-label = Parar de compartilhar com { $client }
portal-fdx-other-holder = Dado por outro titular de uma conta conjunta: só essa pessoa pode interrompê-lo.
portal-joint-title = Contas conjuntas
portal-joint-lead = Os dados de uma conta conjunta são compartilhados só enquanto todos os titulares permitirem. Qualquer titular pode interromper sozinho, na hora, para todos os aplicativos; o compartilhamento volta só quando todos os titulares permitirem.
portal-joint-held = em { $bank } · { $others ->
    [1] mais 1 titular
   *[other] mais { $others } titulares
}
portal-joint-others = { $others ->
    [1] mais 1 titular
   *[other] mais { $others } titulares
}
portal-joint-shared = Compartilhada: aplicativos que você ou outro titular autorizaram podem receber seus dados.
portal-joint-not-shared = Não compartilhada agora: { $reason }
portal-joint-stop = Desativar o compartilhamento
portal-joint-stop-label = Desativar o compartilhamento de { $account }
portal-joint-allow = Permitir compartilhar
portal-joint-allow-label = Permitir compartilhar { $account }
portal-joint-allowed = Você permite compartilhar sua conta conjunta. Ela é compartilhada quando todos os titulares permitirem.
portal-joint-stopped = Sua conta conjunta não é mais compartilhada. Nenhum aplicativo recebe seus dados até que todos os titulares permitam de novo.
fdx-revoke-title = Parar de compartilhar seus dados financeiros com { $client }?
fdx-revoke-loses = { $client } não poderá mais obter os dados das suas contas, e os tokens de acesso dele param de funcionar na hora.
portal-fdx-revoked = Compartilhamento interrompido. O destinatário não pode mais obter seus dados.

## Interactive parts (islands) and their messages
internal-message = Algo deu errado do nosso lado. Tente novamente em instantes.
no-customer-title = Seu banco não conseguiu saber qual cliente você é
no-customer-message = O login não informou qual cliente do banco você é, então nenhuma conta pode ser mostrada ou compartilhada. Nada foi compartilhado nem alterado. Avise o seu banco; o identificador da solicitação abaixo ajuda a encontrá-la.
records-down-title = Nada foi compartilhado
records-down-message = O banco não conseguiu guardar agora o registro do seu consentimento, então nada foi compartilhado com o aplicativo. Tente de novo em instantes.
records-unavailable-title = Os registros de consentimentos estão indisponíveis
records-unavailable-message = Agora não é possível ler nem alterar os registros de consentimentos do banco, e nada foi alterado. Tente de novo em instantes.
record-behind-title = Acesso encerrado; o registro está desatualizado
record-behind-message = O acesso do aplicativo foi encerrado, mas agora não foi possível atualizar o registro do consentimento no banco. Tente de novo em instantes para atualizá-lo.
store-down-title = Seu portal está indisponível por um instante
store-down-message = O Assent não consegue acessar agora o lugar onde guarda os logins. Nada do que você compartilhou ou interrompeu mudou. Recarregue esta página em instantes; se for pedido que entre de novo, é o esperado.
offline-message = Não foi possível contatar o Assent. Verifique sua conexão e tente novamente.
sending = Enviando…
select-all = Selecionar tudo
select-none = Desmarcar tudo
consent-summary = Você está compartilhando { $n } de { $total } permissões.
consent-already-shared = Já compartilhado
fdx-summary = Você escolheu { $n }: { $accounts }
fdx-none-chosen = Nenhuma conta escolhida ainda.
fdx-allow-one = Permitir: compartilhar 1 conta
fdx-allow-n = Permitir: compartilhar { $n } contas
portal-revoked-named = O acesso de { $client } foi revogado. Ele não pode mais usar sua conta.
portal-fdx-revoked-named = O compartilhamento com { $client } foi interrompido. Ele não pode mais obter seus dados.
console-title = Registros de consentimento: equipe do banco
title-error = Erro: { $title }
console-results-title = Busca: { $query }
console-record-title = { $customer } com { $client }
console-lead = Para a equipe de consentimentos do banco: encontre os consentimentos de um cliente, leia o histórico e revogue-os.
console-sign-in = Entrar como equipe
console-signed-in = Conectado como { $name }
console-search-label = Id do cliente, id da conta, aplicativo ou usuário
console-search = Buscar
console-search-hint = Correspondência exata com o id do cliente, o sujeito do usuário, um id de conta ou o client id de um aplicativo.
console-none = Nenhum registro de consentimento corresponde.
console-found = { $count ->
    [1] Um registro de consentimento encontrado.
   *[other] { $count } registros de consentimento encontrados, os mais recentes primeiro.
}
console-more = Só os mais recentes são mostrados: refine a busca para ver o resto.
console-customer = Cliente
console-bank = Banco
console-subject = Usuário
console-back = Voltar à busca
console-record-id = Registro
console-application = Aplicativo
console-given = Concedido
console-declined = Recusado
console-scopes = Escopos
console-accounts = Contas
console-warned = Aviso exibido
console-warned-device = O aplicativo recebe a resposta no dispositivo do cliente ({ $where }), não em um site: a tela de consentimento avisou que ninguém havia verificado quem ele é.
console-warned-app = O aplicativo recebe a resposta em um app do dispositivo do cliente que se identifica como { $where }, não em um site: a tela de consentimento avisou que ninguém havia verificado quem ele é.
console-warned-unencrypted = O aplicativo recebe a resposta em { $where } sem criptografia: a tela de consentimento avisou que ninguém havia verificado quem ele é.
console-warned-unreadable = O aplicativo recebe a resposta em um endereço que não é de um site: a tela de consentimento avisou que ninguém havia verificado quem ele é.
console-history = Histórico
console-revoke-title = Revogar este consentimento
console-reason = Motivo (o cliente verá)
console-revoke = Revogar este consentimento
console-provider-title = { $count ->
    [1] Revogar todos os consentimentos dados a { $client } em { $bank } (1 ativo)
   *[other] Revogar todos os consentimentos dados a { $client } em { $bank } ({ $count } ativos)
}
console-provider-consequence = O consentimento de cada cliente a este aplicativo termina agora, e seus tokens deixam de funcionar.
console-provider-revoke = Revogar este provedor
console-provider-revoked = { $count ->
    [1] Um consentimento revogado.
   *[other] { $count } consentimentos revogados.
}
console-revoked = O consentimento foi revogado; seus tokens não funcionam mais.
console-reason-needed = Informe um motivo (no máximo 500 caracteres): ele é registrado e mostrado ao cliente.
console-confirm-one-title = Revogar o consentimento do cliente { $customer } a { $client }?
console-confirm-one-tokens = { $client } perde o acesso que este consentimento dava: seus tokens deixam de funcionar agora.
console-confirm-all-title = { $count ->
    [1] Revogar o único consentimento ativo dado a { $client } em { $bank }?
   *[other] Revogar os { $count } consentimentos dados a { $client } em { $bank }?
}
console-confirm-all-tokens = O consentimento de cada cliente a { $client } termina agora, e todos os seus tokens deixam de funcionar.
console-confirm-reason = Cada cliente verá seu nome e seu motivo no histórico.
console-confirm-reason-one = O cliente verá seu nome e seu motivo no histórico.
console-confirm-undo = Não pode ser desfeito: um cliente só pode consentir de novo pelo aplicativo.
console-check-one = Confirmo: { $client } perde agora o acesso deste consentimento, e isso não pode ser desfeito.
console-check-all = { $count ->
    [1] Confirmo: o único consentimento ativo dado a { $client } termina agora, e isso não pode ser desfeito.
   *[other] Confirmo: os { $count } consentimentos dados a { $client } terminam agora, e isso não pode ser desfeito.
}
console-confirm-needed = Marque a caixa para confirmar a revogação: nada foi revogado.
console-by-customer = pelo cliente
console-by-staff = por { $name } (equipe do banco)
console-by-application = pelo aplicativo
console-by-server = pelo servidor de autorização
console-by-co-holder = por outro titular de uma conta conjunta
record-reason-amended = Substituído por uma alteração
record-reason-ended-upstream = Encerrado no servidor de autorização antes que este registro fosse concluído
console-event-granted = Concedido
console-event-rejected = Recusado
console-event-revoked = Revogado
console-event-expired = Expirado
not-staff-title = Este console é para a equipe do banco
not-staff-message = Sua conta não tem o papel de equipe de consentimentos, então o console continua fechado. Os clientes podem ver e encerrar seus consentimentos no portal.
console-not-kept = O Assent não guarda aqui os registros de consentimento: com armazenamento externo, esse sistema os lista e revoga.

## Open Banking do Reino Unido: acesso a contas
consent-expired-title = Este pedido expirou
consent-expired-message = O pedido de acesso do aplicativo expirou e não pode mais ser concedido. Volte ao aplicativo e comece de novo.
obuk-page-title = Compartilhe as informações das suas contas
obuk-title = { $client } quer ver informações das suas contas
obuk-data = Pede para ver
obuk-cluster-account-details = Os dados da sua conta
obuk-cluster-line-account-details = O nome da conta, o código da agência e o número, o número do cartão e o saldo.
obuk-cluster-regular-payments = Seus pagamentos recorrentes
obuk-cluster-line-regular-payments = Os favorecidos que você cadastrou, seus débitos automáticos, ordens permanentes e pagamentos agendados.
obuk-cluster-transactions = As transações da sua conta
obuk-cluster-line-transactions = O dinheiro que entra e sai da sua conta: valores, datas e descrições.
obuk-cluster-statements = Seus extratos
obuk-cluster-line-statements = Os extratos da sua conta e o que eles mostram.
obuk-cluster-features = Características e benefícios da sua conta
obuk-cluster-line-features = O tipo de conta, suas tarifas, encargos e juros, e as ofertas disponíveis para você.
obuk-cluster-party = Dados de contato e dos titulares
obuk-cluster-line-party = O nome, o endereço, o telefone e o e-mail registrados de você e dos outros titulares da conta.
obuk-cluster-other = Outros dados
obuk-until = Até
obuk-window = Transações que pode ver
obuk-window-from = desde
obuk-window-to = até
obuk-summary = Contas que você está compartilhando: { $accounts }

## Acordos CDR (Austrália): os grupos de dados e permissões dos padrões de linguagem de dados
cdr-page-title = Compartilhe seus dados bancários
cdr-title = { $client } quer ver seus dados bancários
cdr-amend-title = { $client } quer mudar o que você compartilha
cdr-amend-lead = Você já compartilha dados com este destinatário. Este pedido muda esse acordo: o que está marcado como novo é adicionado, e o que aparece em “Deixa de ser compartilhado” deixa de ser compartilhado quando você concordar.
cdr-amend-accounts = Escolha de novo as contas a compartilhar: as que você compartilha agora estão marcadas, e as que ficarem desmarcadas deixam de ser compartilhadas.
cdr-data = Pede para ver
cdr-new = Novo
cdr-removed = Deixa de ser compartilhado
cdr-shared-now = Compartilhada agora
cdr-leaves-arrangement = Compartilhada neste acordo até agora; deixa de ser compartilhada se você concordar com esta alteração.
cdr-before = Até agora
cdr-once = Uma vez: o destinatário coleta seus dados uma única vez
cdr-for = { $period },
cdr-until = até
cdr-history = Dados históricos
cdr-history-from = Transações desde
cdr-period-hours = { $n ->
    [1] 1 hora
   *[other] { $n } horas
}
cdr-period-days = { $n ->
    [1] 1 dia
   *[other] { $n } dias
}
cdr-period-months = { $n ->
    [1] 1 mês
   *[other] { $n } meses
}
cdr-cluster-accounts-basic = Nome, tipo e saldo da conta
cdr-cluster-line-accounts-basic = Nome da conta; Tipo de conta; Saldo da conta.
cdr-cluster-accounts-detail = Números e características da conta
cdr-cluster-line-accounts-detail = Número da conta; Taxas de juros; Tarifas; Descontos; Condições da conta; Endereço de correspondência da conta.
cdr-cluster-transactions = Detalhes das transações
cdr-cluster-line-transactions = Transações de entrada e saída; Valores; Datas; Descrições das transações; Para quem você enviou e de quem recebeu dinheiro (p. ex., o nome).
cdr-cluster-regular-payments = Débitos automáticos e pagamentos agendados
cdr-cluster-line-regular-payments = Débitos automáticos; Pagamentos agendados.
cdr-cluster-payees = Favorecidos salvos
cdr-cluster-line-payees = Nomes e dados das contas que você salvou (p. ex., BSB e número da conta, CRN e código de emissor BPAY, ou PayID da NPP).
cdr-cluster-customer-basic = Nome e profissão
cdr-cluster-line-customer-basic = Nome; Profissão.
cdr-cluster-customer-detail = Dados de contato
cdr-cluster-line-customer-detail = Telefone; E-mail; Endereço de correspondência; Endereço residencial.
cdr-cluster-profile = Seu nome
cdr-cluster-line-profile = Seu nome, para confirmar quem você é ao entrar.
cdr-cluster-other = Outros dados
## UK domestic payments
payment-page-title = Confirme um pagamento
payment-title = { $client } quer fazer um pagamento a partir da sua conta
payment-amount = Valor
payment-payee = Para
payment-reference = Referência
payment-details = Detalhes
payment-once = Este pagamento é feito uma única vez, assim que você confirmar. Depois não pode ser interrompido.
payment-from = Pagar com
payment-unavailable = Contas com as quais você não pode pagar agora
payment-choose-account = Escolha a conta para pagar, ou cancele o pagamento.
payment-fixed = O aplicativo escolheu esta conta; ela não pode ser alterada aqui.
payment-cancel = Cancelar pagamento
payment-pay = Pagar { $amount }
payment-debtor-title = Este pagamento não pode ser feito aqui
payment-debtor-message = O aplicativo pediu para pagar com uma conta que não é sua. Nada foi pago. Volte ao aplicativo e comece de novo.
payment-debtor-unavailable-message = O aplicativo pediu para pagar com uma conta que, segundo o banco, não pode ser usada agora. Nada foi pago. Volte ao aplicativo e comece de novo.
payment-made-title = Um pagamento não pode ser interrompido
payment-made-message = Este pagamento foi feito uma vez, ao ser confirmado; seu registro diz o que foi pago. Não há nada a interromper.
console-paid = Pago
portal-payments-title = Pagamentos
portal-payments-lead = Pagamentos que aplicativos fizeram a partir das suas contas com a sua confirmação. Cada um foi feito uma vez; não há nada a interromper.
portal-payment-from = Debitado de
portal-payment-date = Data
portal-payment-paid = Pago
portal-payment-authorised = Confirmado
portal-payment-line = Pagamento de { $amount } para { $payee }
